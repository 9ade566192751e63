// What an issuer's metadata document may say (discovery.ts): which document is fetched and when
// the RFC 8414 fallback is taken, the `issuer` check, the `jwks_uri` checks, and the failure
// detail, status, URL and named issuer that operators read in `keys_refresh_failed`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { discoverIssuer, fetchIssuerMetadata, metadataUrls } from '../src/discovery.js';
import { FetchFailure } from '../src/internal/fetch-json.js';
import { json, serve, settings } from './support/fetch-server.js';

const OIDC = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';

/**
 * An issuer on 127.0.0.1 whose two well-known documents are answered by `oidc` and `oauth`, each
 * given the issuer's URL (a 404 when left out).
 */
async function metadataServer(routes: {
  oidc?: (issuer: string) => (req: IncomingMessage, res: ServerResponse) => void;
  oauth?: (issuer: string) => (req: IncomingMessage, res: ServerResponse) => void;
}) {
  let issuer = '';
  const server = await serve((req, res) => {
    const route = req.url === OIDC ? routes.oidc : req.url === OAUTH ? routes.oauth : undefined;
    if (route) route(issuer)(req, res);
    else json({ error: 'not found' }, 404)(req, res);
  });
  issuer = server.url;
  return Object.assign(server, {
    issuer,
    paths: () => server.received.map((request) => request.url),
  });
}

/** The failure `promise` rejects with: detail, status, the URL it names, the issuer it quotes. */
async function discoveryFailure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchFailure);
  const { detail, status, url, metadataIssuer } = error as FetchFailure;
  return { detail, status, url, metadataIssuer };
}

const SAME_ORIGIN = { sameOrigin: true };

describe('which document', () => {
  it('the OIDC document answers alone when it exists', async () => {
    await using as = await metadataServer({
      oidc: (issuer) => json({ issuer, jwks_uri: `${issuer}/jwks` }),
    });
    await expect(discoverIssuer(as.issuer, settings(), SAME_ORIGIN)).resolves.toEqual({
      issuer: as.issuer,
      jwksUri: `${as.issuer}/jwks`,
    });
    expect(as.paths()).toEqual([OIDC]);
  });

  it.each([404, 410])('RFC 8414 after a %i for the OIDC document', async (status) => {
    await using as = await metadataServer({
      oidc: () => json({ error: 'gone' }, status),
      oauth: (issuer) => json({ issuer, jwks_uri: `${issuer}/keys` }),
    });
    await expect(fetchIssuerMetadata(as.issuer, settings())).resolves.toEqual({
      metadata: { issuer: as.issuer, jwks_uri: `${as.issuer}/keys` },
      url: `${as.issuer}${OAUTH}`,
    });
    expect(as.paths()).toEqual([OIDC, OAUTH]);
  });

  it('no fallback on another failure; the failure names the OIDC document', async () => {
    await using as = await metadataServer({
      oidc: () => json({ error: 'server_error' }, 503),
      oauth: (issuer) => json({ issuer, jwks_uri: `${issuer}/keys` }),
    });
    expect(await discoveryFailure(discoverIssuer(as.issuer, settings()))).toEqual({
      detail: 'discovery: HTTP 503',
      status: 503,
      url: `${as.issuer}${OIDC}`,
      metadataIssuer: undefined,
    });
    expect(as.paths()).toEqual([OIDC]);
  });

  it('when the fallback fails too, both answers are named, and the RFC 8414 document', async () => {
    await using as = await metadataServer({
      oidc: () => json({ error: 'gone' }, 410),
      oauth: () => json({ error: 'server_error' }, 500),
    });
    expect(await discoveryFailure(discoverIssuer(as.issuer, settings()))).toEqual({
      detail: 'discovery: HTTP 500 (after HTTP 410 for openid-configuration)',
      status: 500,
      url: `${as.issuer}${OAUTH}`,
      metadataIssuer: undefined,
    });
  });

  it('every terminating slash of the issuer path is dropped to build the URLs', () => {
    expect(metadataUrls('https://h/a//')).toEqual({
      openid: 'https://h/a/.well-known/openid-configuration',
      oauth: 'https://h/.well-known/oauth-authorization-server/a',
    });
  });
});

describe('the issuer it names (OIDC Discovery §4.3, RFC 8414 §3.3)', () => {
  it.each([null, [], 'metadata', 42])('refuses a document that is no object: %j', async (body) => {
    await using as = await metadataServer({ oidc: () => json(body) });
    expect(await discoveryFailure(discoverIssuer(as.issuer, settings()))).toEqual({
      detail: 'discovery: metadata is not a JSON object',
      status: undefined,
      url: `${as.issuer}${OIDC}`,
      metadataIssuer: undefined,
    });
  });

  it.each([
    [{}, 'no string issuer (undefined)'],
    [{ issuer: 42 }, 'no string issuer (number)'],
    [{ issuer: ['x'] }, 'no string issuer (object)'],
  ])('refuses %j without quoting an issuer', async (fields, named) => {
    await using as = await metadataServer({
      oidc: (issuer) => json({ ...fields, jwks_uri: `${issuer}/jwks` }),
    });
    expect(await discoveryFailure(discoverIssuer(as.issuer, settings()))).toEqual({
      detail: `discovery: issuer mismatch (metadata names ${named})`,
      status: undefined,
      url: `${as.issuer}${OIDC}`,
      metadataIssuer: undefined,
    });
  });

  it('quotes another issuer, cut after 100 characters, naming the document (RFC 8414 here)', async () => {
    const exactly100 = `https://as.example.com/${'a'.repeat(77)}`;
    const longer = `${exactly100}b`;
    for (const [named, quoted] of [
      [exactly100, exactly100],
      [longer, `${exactly100}…`],
    ]) {
      await using as = await metadataServer({
        oauth: (issuer) => json({ issuer: named, jwks_uri: `${issuer}/jwks` }),
      });
      expect(await discoveryFailure(discoverIssuer(as.issuer, settings()))).toEqual({
        detail: `discovery: issuer mismatch (metadata names ${JSON.stringify(quoted)})`,
        status: undefined,
        url: `${as.issuer}${OAUTH}`,
        metadataIssuer: quoted,
      });
    }
  });
});

describe('the jwks_uri it names', () => {
  it.each([
    [{}, 'discovery: metadata has no jwks_uri'],
    [{ jwks_uri: 42 }, 'discovery: metadata has no jwks_uri'],
    [{ jwks_uri: '/jwks' }, 'discovery: jwks_uri refused (not an absolute URL)'],
    [{ jwks_uri: 'ftp://127.0.0.1/jwks' }, 'discovery: jwks_uri refused (unsupported scheme ftp:)'],
    [
      { jwks_uri: 'http://192.0.2.1/jwks' },
      'discovery: jwks_uri refused (http: is only allowed for loopback hosts)',
    ],
  ])('refuses %j, naming the document', async (fields, detail) => {
    await using as = await metadataServer({ oidc: (issuer) => json({ issuer, ...fields }) });
    expect(await discoveryFailure(discoverIssuer(as.issuer, settings()))).toEqual({
      detail,
      status: undefined,
      url: `${as.issuer}${OIDC}`,
      metadataIssuer: undefined,
    });
  });

  it('allowInsecureRequests admits an http jwks_uri elsewhere; only sameOrigin pins the origin', async () => {
    await using as = await metadataServer({
      oidc: (issuer) => json({ issuer, jwks_uri: 'http://192.0.2.1/jwks' }),
    });
    const insecure = settings({ allowInsecureRequests: true });
    // Without a policy, as with `{ sameOrigin: false }`: any origin.
    await expect(discoverIssuer(as.issuer, insecure)).resolves.toEqual({
      issuer: as.issuer,
      jwksUri: 'http://192.0.2.1/jwks',
    });
    expect(await discoveryFailure(discoverIssuer(as.issuer, insecure, SAME_ORIGIN))).toEqual({
      detail: `discovery: jwks_uri refused (not on the issuer's origin ${as.issuer} (keyFetch.sameOrigin))`,
      status: undefined,
      url: `${as.issuer}${OIDC}`,
      metadataIssuer: undefined,
    });
  });
});
