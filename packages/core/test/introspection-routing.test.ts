import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import type { IntrospectionOptions } from '../src/introspection/options.js';
import { createVerifier } from '../src/verify.js';
import { AUDIENCE, now, refusal } from './support/introspection.js';
import {
  type IntrospectionServer,
  startIntrospectionServer,
} from './support/introspection-endpoint.js';

// An opaque token names no issuer: which endpoint sees it, and which configurations are refused.
let a: IntrospectionServer;
let b: IntrospectionServer;
beforeEach(async () => {
  [a, b] = await Promise.all([startIntrospectionServer(), startIntrospectionServer()]);
  for (const server of [a, b]) {
    server.answer = () => ({
      body: { active: true, iss: server.issuer, aud: AUDIENCE, sub: 'ada', exp: now() + 600 },
    });
  }
});
afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
});

const entry = (server: IntrospectionServer, extra: Partial<IntrospectionOptions> = {}) => ({
  issuer: server.issuer,
  introspection: { endpoint: server.endpoint, clientId: 'rs', clientSecret: 's', ...extra },
});
const paths = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseConfigError) return error.issues.map((issue) => issue.path);
    throw error;
  }
  throw new Error('accepted');
};

describe('several introspecting issuers', () => {
  it('without match: refused at construction, naming each issuer.N.introspection.match', () => {
    expect(
      paths(() => createVerifier({ issuer: [entry(a), entry(b)], audience: AUDIENCE })),
    ).toEqual(['issuer.0.introspection.match', 'issuer.1.introspection.match']);
    expect(
      paths(() =>
        createVerifier({
          issuer: [entry(a, { match: (t) => t.startsWith('a_') }), entry(b)],
          audience: AUDIENCE,
        }),
      ),
    ).toEqual(['issuer.1.introspection.match']);
  });

  it('with match: each token goes to its own issuer only; an unclaimed one goes nowhere', async () => {
    const verifier = createVerifier({
      issuer: [
        entry(a, { match: (t) => t.startsWith('a_') }),
        entry(b, { match: (t) => t.startsWith('b_') }),
      ],
      audience: AUDIENCE,
    });
    await expect(verifier.verify('a_token')).resolves.toMatchObject({ issuer: a.issuer });
    await expect(verifier.verify('b_token')).resolves.toMatchObject({ issuer: b.issuer });
    expect(a.received.map((r) => r.form.get('token'))).toEqual(['a_token']);
    expect(b.received.map((r) => r.form.get('token'))).toEqual(['b_token']);
    const error = await refusal(verifier.authenticate('Bearer c_token'));
    expect(error.status).toBe(401);
    expect(error.reason).toBe('unknown_issuer');
    expect(a.received.length + b.received.length).toBe(2);
  });

  it("an issuer with tokens: 'jwt' takes no opaque token, so no match is needed", async () => {
    const verifier = createVerifier({
      issuer: [entry(a), entry(b, { tokens: 'jwt' })],
      audience: AUDIENCE,
    });
    await expect(verifier.verify('opaque')).resolves.toMatchObject({ issuer: a.issuer });
    expect(b.received).toHaveLength(0);
  });

  it('an answer naming another issuer than the endpoint it came from → 401 issuer_mismatch', async () => {
    a.answer = () => ({ body: { active: true, iss: b.issuer, aud: AUDIENCE } });
    const verifier = createVerifier({ issuer: [entry(a), b.issuer], audience: AUDIENCE });
    expect((await refusal(verifier.verify('opaque'))).reason).toBe('issuer_mismatch');
  });

  it("a match that throws counts as 'not mine'", async () => {
    const verifier = createVerifier({
      issuer: entry(a, {
        match: () => {
          throw new Error('bug');
        },
      }),
      audience: AUDIENCE,
    });
    expect((await refusal(verifier.verify('opaque'))).reason).toBe('unknown_issuer');
    expect(a.received).toHaveLength(0);
  });

  it('a tenant template cannot introspect (an opaque token names no tenant)', () => {
    expect(
      paths(() =>
        createVerifier({
          issuer: [
            {
              template: 'https://login.example.test/{tenantid}/v2.0',
              tenants: ['t1'],
              introspection: { clientId: 'rs', clientSecret: 's' },
            } as never,
          ],
          audience: AUDIENCE,
        }),
      ),
    ).toEqual(['issuer.0']);
  });

  it('the entry audience, when set, is the one the answer must name', async () => {
    a.answer = () => ({ body: { active: true, aud: 'https://entry.example.test' } });
    const verifier = createVerifier({
      issuer: { ...entry(a), audience: 'https://entry.example.test' },
      audience: AUDIENCE,
    });
    await expect(verifier.verify('opaque')).resolves.toMatchObject({ issuer: a.issuer });
  });

  it('with dpop.required a Bearer opaque token counts as no credential: sent nowhere', async () => {
    const verifier = createVerifier({
      issuer: entry(a),
      audience: AUDIENCE,
      dpop: { required: true },
    });
    const error = await refusal(verifier.authenticate('Bearer opaque'));
    expect(error.status).toBe(401);
    expect(a.received).toHaveLength(0);
  });
});
