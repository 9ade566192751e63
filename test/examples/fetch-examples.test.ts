import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../examples/fetch-handlers/src/handler.js';
import { createApp } from '../../examples/hono/src/app.js';

// The @gatehouse/fetch examples, run: each answers its README's requests as documented.
let issuer: TestIssuer;
let options: { issuer: string; audience: string };

beforeAll(async () => {
  issuer = await createTestIssuer();
  options = { issuer: issuer.url, audience: issuer.audience };
});
afterAll(async () => {
  await issuer.close();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('examples/hono', () => {
  it('serves public, protected, scoped and user routes', async () => {
    const app = createApp(options);
    const token = await issuer.mint({ scope: 'reports:read' });
    expect((await app.request('/health')).status).toBe(200);
    expect((await app.request('/api/hello')).status).toBe(401);
    expect(await (await app.request('/api/me', bearer(token))).json()).toEqual({
      me: { id: 1, name: 'Ada Lovelace' },
    });
    expect((await app.request('/api/reports', bearer(token))).status).toBe(200);
    const unscoped = await app.request('/api/reports', bearer(await issuer.mint()));
    expect(unscoped.status).toBe(403);
    expect(unscoped.headers.get('www-authenticate')).toContain('scope="reports:read"');
  });
});

describe('examples/fetch-handlers', () => {
  it('protects a plain fetch handler', async () => {
    const fetch = createHandler(options);
    const url = 'http://127.0.0.1/api/reports';
    const token = await issuer.mint({ scope: 'reports:read' });
    expect(await (await fetch(new Request(url, bearer(token)))).json()).toEqual({
      reports: ['q1', 'q2'],
    });
    expect((await fetch(new Request(url))).status).toBe(401);
  });

  it('the Next.js route file answers as Next would call it', async () => {
    // The route file reads its issuer from the environment when Next loads it.
    process.env.OAUTH_ISSUER = issuer.url;
    process.env.OAUTH_AUDIENCE = issuer.audience;
    const { GET } = await import('../../examples/fetch-handlers/src/app/api/things/[id]/route.js');
    const url = 'http://127.0.0.1/api/things/7';
    const context = () => ({ params: Promise.resolve({ id: '7' }) });
    const token = await issuer.mint({ scope: 'things:read' });
    expect(await (await GET(new Request(url, bearer(token)), context())).json()).toEqual({
      id: '7',
      owner: 'user-123',
    });
    const refused = await GET(new Request(url), context());
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
  });
});
