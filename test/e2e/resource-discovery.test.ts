import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createResourceMetadata, type ResourceMetadata } from '@gatehouse/core';
import * as gatehouseExpress from '@gatehouse/express';
import * as gatehouseFastify from '@gatehouse/fastify';
import * as gatehouseKoa from '@gatehouse/koa';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChallenge } from '../behaviour/challenge.js';

// The walk an RFC 9728 client makes from nothing but the API's URL: 401 → the challenge's
// `resource_metadata` → the document (oauth4webapi checks §3.3) → an issuer in
// `authorization_servers` → its discovery document (openid-client) → a token for `resource`
// (RFC 8707) → 200. The resource has a path, so the path-aware well-known form (§3.1) is used.

const SCOPE = 'things:read';
const CLIENT = { clientId: 'discovering-client', clientSecret: 'a-client-secret', scope: SCOPE };

type Framework = 'express' | 'koa' | 'fastify';

interface RunningResource {
  resource: string;
  metadata: ResourceMetadata;
  close(): Promise<void>;
}

/** The API's own routes, given the metadata once its URL (port) is known. */
type Mount = (issuer: TestIssuer, metadata: ResourceMetadata) => Promise<RequestListener>;

const MOUNTS: Record<Framework, Mount> = {
  async express(issuer, metadata) {
    const { protectedResourceMetadata, requireAuth, requireScopes } = gatehouseExpress;
    const app = express();
    app.use(protectedResourceMetadata(metadata));
    app.get(
      '/api/things',
      requireAuth({ issuer: issuer.url, audience: metadata.resource, resourceMetadata: metadata }),
      requireScopes(SCOPE),
      (req, res) => {
        res.json({ sub: req.auth?.subject });
      },
    );
    return app;
  },
  async koa(issuer, metadata) {
    const { protectedResourceMetadata, requireAuth, requireScopes } = gatehouseKoa;
    const app = new Koa();
    const auth = requireAuth({
      issuer: issuer.url,
      audience: metadata.resource,
      resourceMetadata: metadata,
    });
    const scoped = requireScopes(SCOPE);
    app.use(protectedResourceMetadata(metadata));
    app.use(async (ctx, next) => {
      if (ctx.path !== '/api/things') return next();
      await auth(ctx, () =>
        scoped(ctx, async () => {
          ctx.body = { sub: ctx.state.auth?.subject };
        }),
      );
    });
    return app.callback();
  },
  async fastify(issuer, metadata) {
    const { gatehouse, protectedResourceMetadata, requireScopes } = gatehouseFastify;
    let listener: RequestListener | undefined;
    const app = Fastify({
      serverFactory: (handler) => {
        listener = handler;
        return createServer();
      },
    });
    await app.register(protectedResourceMetadata, metadata);
    await app.register(async (api) => {
      await api.register(gatehouse, {
        issuer: issuer.url,
        audience: metadata.resource,
        resourceMetadata: metadata,
      });
      api.get('/api/things', { preHandler: requireScopes(SCOPE) }, async (request) => ({
        sub: request.auth?.subject,
      }));
    });
    await app.ready();
    return listener as RequestListener;
  },
};

/** Listens first (port 0), so the resource identifier can name the real origin. */
async function start(framework: Framework, issuer: TestIssuer): Promise<RunningResource> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const metadata = createResourceMetadata({
    resource,
    authorizationServers: [issuer.url],
    scopesSupported: [SCOPE],
    resourceDocumentation: 'https://docs.example.test/things',
  });
  server.on('request', await MOUNTS[framework](issuer, metadata));
  return {
    resource,
    metadata,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ clients: [CLIENT] });
});
afterAll(async () => {
  await issuer?.close();
});

describe.each(['express', 'koa', 'fastify'] as const)(
  '%s: RFC 9728 discovery chain',
  (framework) => {
    let api: RunningResource;
    beforeAll(async () => {
      api = await start(framework, issuer);
    });
    afterAll(async () => {
      await api?.close();
    });

    const get = (path: string, init?: RequestInit) =>
      fetch(new URL(path, api.resource), { ...init, signal: AbortSignal.timeout(5000) });

    it('401 → resource_metadata → authorization server → discovery → token for resource → 200', async () => {
      // 1. No token: the challenge points to the metadata (§5.1).
      const refused = await get('/api/things');
      expect(refused.status).toBe(401);
      const challenge = parseChallenge(refused.headers.get('www-authenticate') ?? '');
      expect(challenge.scheme).toBe('Bearer');
      expect(challenge.params.error).toBeUndefined();
      const metadataUrl = challenge.params.resource_metadata;
      expect(metadataUrl).toBe(
        `${new URL(api.resource).origin}/.well-known/oauth-protected-resource/api`,
      );

      // 2. The document, as a client library fetches and validates it (§3.1–3.3).
      const described = await oauth.processResourceDiscoveryResponse(
        new URL(api.resource),
        await oauth.resourceDiscoveryRequest(new URL(api.resource), {
          [oauth.allowInsecureRequests]: true,
          signal: AbortSignal.timeout(5000),
        }),
      );
      expect(described.resource).toBe(api.resource);
      expect(described.bearer_methods_supported).toEqual(['header']);
      expect(described.scopes_supported).toEqual([SCOPE]);
      // The URL in the challenge is the very document oauth4webapi derived from the resource.
      expect(await (await fetch(metadataUrl!)).json()).toEqual(described);

      // 3. The authorization server it names, discovered by openid-client (issuer checked).
      const [authorizationServer] = described.authorization_servers ?? [];
      expect(authorizationServer).toBe(issuer.url);
      const client = await oidc.discovery(
        new URL(authorizationServer!),
        CLIENT.clientId,
        CLIENT.clientSecret,
        oidc.ClientSecretBasic(CLIENT.clientSecret),
        { execute: [oidc.allowInsecureRequests] },
      );
      expect(client.serverMetadata().issuer).toBe(issuer.url);

      // 4. A token for exactly this resource (RFC 8707), then the call succeeds.
      const { access_token: token } = await oidc.clientCredentialsGrant(client, {
        scope: described.scopes_supported!.join(' '),
        resource: described.resource,
      });
      const answer = await get('/api/things', { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ sub: CLIENT.clientId });
    });

    it('a token for another resource is refused, and the challenge still points to the metadata', async () => {
      const client = await oidc.discovery(
        new URL(issuer.url),
        CLIENT.clientId,
        CLIENT.clientSecret,
        oidc.ClientSecretBasic(CLIENT.clientSecret),
        { execute: [oidc.allowInsecureRequests] },
      );
      const { access_token: token } = await oidc.clientCredentialsGrant(client, {
        scope: SCOPE,
        resource: 'https://other-api.example.test',
      });
      const answer = await get('/api/things', { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(401);
      const challenge = parseChallenge(answer.headers.get('www-authenticate') ?? '');
      expect(challenge.params.error).toBe('invalid_token');
      expect(challenge.params.resource_metadata).toBe(api.metadata.url);
    });

    it('serves the document publicly cacheable, to GET and HEAD, at the path-aware URL only', async () => {
      const answer = await get(api.metadata.path);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('www-authenticate')).toBeNull();
      expect(await answer.json()).toEqual(api.metadata.document);

      const head = await get(api.metadata.path, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');

      // The resource has a path: the bare well-known URL describes another resource (none here).
      expect((await get('/.well-known/oauth-protected-resource')).status).toBe(404);
      expect((await get(api.metadata.path, { method: 'POST' })).status).toBe(404);
    });
  },
);
