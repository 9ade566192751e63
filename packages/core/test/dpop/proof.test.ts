import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createDpopKey, type DpopKey } from '@gatehouse/testing';
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveDpopOptions } from '../../src/dpop/options.js';
import { checkDpopProof, type DpopProofCheck } from '../../src/dpop/proof.js';
import type { ReplayStore } from '../../src/dpop/replay-store.js';

const URL_ = 'https://api.example.com/accounts';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const TOLERANCE_MS = 5000;

let key: DpopKey;
let other: DpopKey;
beforeAll(async () => {
  [key, other] = await Promise.all([createDpopKey('ES256'), createDpopKey('ES256')]);
});

const settingsOf = (option: Parameters<typeof resolveDpopOptions>[0] = true) =>
  resolveDpopOptions(option, TOLERANCE_MS)!;

/** A request that passes every check, but for what a test changes. */
function request(overrides: Partial<DpopProofCheck> = {}, by: DpopKey = key): DpopProofCheck {
  return {
    proof: by.proof({ method: 'GET', url: URL_, accessToken: TOKEN }),
    method: 'GET',
    url: `${URL_}?page=2`,
    accessToken: TOKEN,
    jkt: by.jkt,
    nowMs: Date.now(),
    ...overrides,
  };
}

async function expectRefused(
  check: DpopProofCheck,
  expected: { code?: string; reason: string; status?: number },
  settings = settingsOf(),
) {
  await expect(checkDpopProof(check, settings)).rejects.toMatchObject({
    name: 'GatehouseError',
    code: expected.code ?? 'invalid_dpop_proof',
    status: expected.status ?? 401,
    reason: expected.reason,
  });
}

/** A proof with a header and claims of our choosing, HMAC-signed with `mac` when given. */
function forged(header: Record<string, unknown>, claims: Record<string, unknown>, mac?: string) {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}`;
  // `none` gets a signature anyway, so that only the algorithm is wrong.
  const signature = mac ? createHmac('sha256', mac).update(input).digest('base64url') : 'c2ln';
  return `${input}.${signature}`;
}

describe('checkDpopProof: a valid proof (RFC 9449 §4.3)', () => {
  it('is accepted and gives the key thumbprint (RFC 7638), equal to jose’s', async () => {
    await expect(checkDpopProof(request(), settingsOf())).resolves.toEqual({
      thumbprint: key.jkt,
    });
  });

  it.each(['ES256', 'ES256K', 'ES384', 'ES512', 'PS256', 'PS384'] as const)(
    'is accepted signed with %s (the default list)',
    async (alg) => {
      const client = await createDpopKey(alg);
      await expect(checkDpopProof(request({}, client), settingsOf())).resolves.toMatchObject({
        thumbprint: client.jkt,
      });
    },
  );
});

describe('step 1: exactly one DPoP header holding one JWT', () => {
  it('refuses a request without a proof', async () => {
    await expectRefused(request({ proof: undefined }), { reason: 'dpop_proof_missing' });
    await expectRefused(request({ proof: ' ' }), { reason: 'dpop_proof_missing' });
  });

  it('refuses two DPoP headers, as an array or joined by Node, with a 400', async () => {
    const a = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN });
    const b = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN });
    const multiple = { code: 'invalid_request', reason: 'multiple_dpop_proofs', status: 400 };
    await expectRefused(request({ proof: [a, b] }), multiple);
    await expectRefused(request({ proof: `${a}, ${b}` }), multiple);
  });

  it('refuses what is not a compact JWS, and an oversized proof', async () => {
    const proof = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN });
    for (const bad of [
      proof.split('.').slice(0, 2).join('.'),
      `${proof}.x.y`,
      '{"a":1}',
      'a.b!.c',
      // JSON, but not objects: `null` and an array as header or claims.
      `${base64url.encode('null')}.${proof.split('.')[1]}.${proof.split('.')[2]}`,
      `${proof.split('.')[0]}.${base64url.encode('null')}.${proof.split('.')[2]}`,
      `${base64url.encode('[]')}.${proof.split('.')[1]}.${proof.split('.')[2]}`,
    ]) {
      await expectRefused(request({ proof: bad }), { reason: 'dpop_proof_malformed' });
    }
    const huge = key.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      claims: { pad: 'x'.repeat(9000) },
    });
    await expectRefused(request({ proof: huge }), { reason: 'dpop_proof_too_large' });
  });

  it('refuses critical header parameters it does not understand', async () => {
    const proof = key.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      header: { crit: ['x'], x: 1 },
    });
    await expectRefused(request({ proof }), { reason: 'dpop_proof_malformed' });
  });
});

describe('steps 4–7: typ, algorithm, key and signature', () => {
  it('refuses a typ other than dpop+jwt, and accepts the application/ form', async () => {
    for (const typ of ['JWT', 'at+jwt', undefined]) {
      const proof = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN, header: { typ } });
      await expectRefused(request({ proof }), { reason: 'dpop_type_mismatch' });
    }
    const proof = key.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      header: { typ: 'application/dpop+jwt' },
    });
    await expect(checkDpopProof(request({ proof }), settingsOf())).resolves.toBeDefined();
  });

  it('refuses none, HMAC and algorithms outside the allow-list', async () => {
    const claims = { jti: 'j', htm: 'GET', htu: URL_, iat: Math.floor(Date.now() / 1000) };
    const none = forged({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk }, claims);
    const hmac = forged({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk }, claims, 'secret');
    for (const proof of [none, hmac]) {
      await expectRefused(request({ proof }), { reason: 'dpop_unsupported_algorithm' });
    }
    const rsa = await createDpopKey('RS256');
    await expectRefused(request({}, rsa), { reason: 'dpop_unsupported_algorithm' });
    await expect(
      checkDpopProof(request({}, rsa), settingsOf({ algorithms: ['RS256'] })),
    ).resolves.toMatchObject({ thumbprint: rsa.jkt });
    await expectRefused(
      request(),
      { reason: 'dpop_unsupported_algorithm' },
      settingsOf({ algorithms: ['PS256'] }),
    );
  });

  it('refuses a jwk with private members, none at all, or one unfit for the algorithm', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' });
    const p384 = await createDpopKey('ES384');
    for (const jwk of [
      privateJwk,
      undefined,
      'key',
      p384.publicJwk,
      { ...key.publicJwk, x: 'AAAA' },
    ]) {
      const proof = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN, header: { jwk } });
      await expectRefused(request({ proof }), { reason: 'dpop_invalid_key' });
    }
  });

  it('refuses an RSA key shorter than 2048 bits', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const proof = key.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      header: { alg: 'PS256', jwk: publicKey.export({ format: 'jwk' }) },
    });
    await expectRefused(request({ proof }), { reason: 'dpop_invalid_key' });
  });

  it('refuses a proof whose signature is not by its jwk, or was tampered with', async () => {
    const swapped = key.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      header: { jwk: other.publicJwk },
    });
    await expectRefused(request({ proof: swapped, jkt: other.jkt }), {
      reason: 'dpop_bad_signature',
    });
    const [h, , s] = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN }).split('.');
    const payload = base64url.encode(JSON.stringify({ jti: 'x', htm: 'GET', htu: URL_, iat: 1 }));
    await expectRefused(request({ proof: `${h}.${payload}.${s}` }), {
      reason: 'dpop_bad_signature',
    });
  });
});

describe('steps 8–11: claims', () => {
  it.each(['jti', 'htm', 'htu', 'iat', 'ath'])('refuses a proof without %s', async (claim) => {
    const proof = key.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      claims: { [claim]: undefined },
    });
    await expectRefused(request({ proof }), { reason: 'dpop_missing_claim' });
  });

  it('refuses another method (htm is case-sensitive)', async () => {
    await expectRefused(request({ method: 'POST' }), { reason: 'dpop_method_mismatch' });
    const proof = key.proof({ method: 'get', url: URL_, accessToken: TOKEN });
    await expectRefused(request({ proof }), { reason: 'dpop_method_mismatch' });
  });

  it('refuses another URI: path, host, scheme or port', async () => {
    for (const url of [
      'https://api.example.com/accounts/1',
      'https://evil.example.com/accounts',
      'http://api.example.com/accounts',
      'https://api.example.com:8443/accounts',
    ]) {
      await expectRefused(request({ url }), { reason: 'dpop_url_mismatch' });
    }
  });

  it('compares htu after RFC 3986 normalisation, ignoring query and fragment', async () => {
    for (const htu of [
      'HTTPS://API.Example.COM:443/accounts',
      'https://api.example.com/%61ccounts?x=1#frag',
      'https://api.example.com/x/../accounts',
    ]) {
      const proof = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN, claims: { htu } });
      await expect(checkDpopProof(request({ proof }), settingsOf()), htu).resolves.toBeDefined();
    }
    const tilde = key.proof({
      method: 'GET',
      url: 'https://api.example.com/~me/%2f',
      accessToken: TOKEN,
      claims: { htu: 'https://api.example.com/%7Eme/%2F' },
    });
    await expect(
      checkDpopProof(
        request({ proof: tilde, url: 'https://api.example.com/%7eme/%2f' }),
        settingsOf(),
      ),
    ).resolves.toBeDefined();
  });

  it('with `origin`, compares against the external origin, not the internal URL', async () => {
    const behindProxy = settingsOf({ origin: 'https://api.example.com' });
    await expect(
      checkDpopProof(request({ url: 'http://10.0.0.7:3000/accounts?page=2' }), behindProxy),
    ).resolves.toBeDefined();
    await expect(checkDpopProof(request({ url: '/accounts' }), behindProxy)).resolves.toBeDefined();
    const internal = key.proof({
      method: 'GET',
      url: 'http://10.0.0.7:3000/accounts',
      accessToken: TOKEN,
    });
    await expectRefused(
      request({ proof: internal, url: '/accounts' }),
      { reason: 'dpop_url_mismatch' },
      behindProxy,
    );
  });

  it('refuses iat outside [now − maxAge − tolerance, now + tolerance]', async () => {
    const nowMs = Date.now();
    const at = (iat: number) =>
      request({ proof: key.proof({ method: 'GET', url: URL_, accessToken: TOKEN, iat }), nowMs });
    const now = nowMs / 1000;
    await expectRefused(at(now - 60 - 5 - 1), { reason: 'dpop_stale' });
    await expectRefused(at(now + 5 + 1), { reason: 'dpop_stale' });
    await expect(checkDpopProof(at(now - 60), settingsOf())).resolves.toBeDefined();
    await expect(checkDpopProof(at(now + 4), settingsOf())).resolves.toBeDefined();
    await expectRefused(at(now - 20), { reason: 'dpop_stale' }, settingsOf({ maxAge: '10s' }));
  });

  it('refuses an exp that is past by more than the tolerance, or not a number (RFC 7519 §4.1.4)', async () => {
    const nowMs = Date.now();
    const now = nowMs / 1000;
    const withExp = (exp: unknown) =>
      request({
        proof: key.proof({ method: 'GET', url: URL_, accessToken: TOKEN, claims: { exp } }),
        nowMs,
      });
    await expectRefused(withExp(now - 5 - 1), { reason: 'dpop_stale' });
    await expectRefused(withExp(now - 5), { reason: 'dpop_stale' });
    await expectRefused(withExp(String(now + 60)), { reason: 'dpop_stale' });
    await expectRefused(withExp(Number.NaN), { reason: 'dpop_stale' });
    await expect(checkDpopProof(withExp(now - 4), settingsOf())).resolves.toBeDefined();
    await expect(checkDpopProof(withExp(now + 60), settingsOf())).resolves.toBeDefined();
  });

  it('refuses a proof made for another access token (ath)', async () => {
    const proof = key.proof({ method: 'GET', url: URL_, accessToken: `${TOKEN}x` });
    await expectRefused(request({ proof }), { reason: 'dpop_token_hash_mismatch' });
  });
});

describe('step 12: the token is bound to the proof key (cnf.jkt, §7.1)', () => {
  it('refuses a token bound to another key with invalid_token on the DPoP scheme', async () => {
    await expect(checkDpopProof(request({ jkt: other.jkt }), settingsOf())).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'dpop_binding_mismatch',
      scheme: 'DPoP',
      description: 'Invalid DPoP key binding',
    });
  });

  it('refuses a token that is not bound at all', async () => {
    for (const jkt of [undefined, 42]) {
      await expectRefused(request({ jkt }), {
        code: 'invalid_token',
        reason: 'dpop_unbound_token',
      });
    }
  });
});

describe('jti: single use within the window (§11.1)', () => {
  it('refuses the same proof twice, and keeps its jti until the window has passed', async () => {
    const settings = settingsOf();
    const check = request();
    await checkDpopProof(check, settings);
    await expectRefused(check, { reason: 'dpop_replayed' }, settings);
    // Another proof (another jti) of the same key is fine.
    await expect(checkDpopProof(request(), settings)).resolves.toBeDefined();
  });

  it('keys the store by thumbprint and jti, until iat + maxAge + tolerance', async () => {
    const calls: [string, number][] = [];
    const replayStore: ReplayStore = {
      async useOnce(k, expiresAtMs) {
        calls.push([k, expiresAtMs]);
        return true;
      },
    };
    const iat = Math.floor(Date.now() / 1000);
    const proof = key.proof({ method: 'GET', url: URL_, accessToken: TOKEN, iat, jti: 'same' });
    const proofOfOther = other.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      iat,
      jti: 'same',
    });
    await checkDpopProof(request({ proof }), settingsOf({ replayStore }));
    await checkDpopProof(request({ proof: proofOfOther }, other), settingsOf({ replayStore }));
    expect(calls[0]?.[0]).toMatch(/^dpop:[A-Za-z0-9_-]{43}$/);
    expect(calls[1]?.[0]).not.toBe(calls[0]?.[0]);
    expect(calls[0]?.[1]).toBeGreaterThanOrEqual(iat * 1000 + 60_000 + TOLERANCE_MS);
  });

  it('fails closed: a failing, slow or nonsensical store means 503, never acceptance', async () => {
    const failing: ReplayStore = { useOnce: () => Promise.reject(new Error('ECONNREFUSED')) };
    const throwing: ReplayStore = {
      useOnce: () => {
        throw new Error('sync');
      },
    };
    const unavailable = {
      code: 'temporarily_unavailable',
      reason: 'replay_store_unavailable',
      status: 503,
    };
    await expectRefused(request(), unavailable, settingsOf({ replayStore: failing }));
    await expectRefused(request(), unavailable, settingsOf({ replayStore: throwing }));

    const hanging: ReplayStore = { useOnce: () => new Promise(() => {}) };
    const started = performance.now();
    await expectRefused(
      request(),
      unavailable,
      settingsOf({ replayStore: hanging, replayStoreTimeout: 0.2 }),
    );
    expect(performance.now() - started).toBeLessThan(2000);

    const odd = { useOnce: async () => 'yes' } as unknown as ReplayStore;
    await expectRefused(request(), { reason: 'dpop_replayed' }, settingsOf({ replayStore: odd }));
  });
});

describe('server nonces (§8–9)', () => {
  const secret = 'a-secret-of-at-least-thirty-two-bytes!';
  const withNonce = () => settingsOf({ nonce: { secret, rotation: 60 } });

  it('asks for a nonce with use_dpop_nonce and a DPoP-Nonce, then accepts it', async () => {
    const settings = withNonce();
    const refusal = await checkDpopProof(request(), settings).catch((error) => error);
    expect(refusal).toMatchObject({
      code: 'use_dpop_nonce',
      status: 401,
      reason: 'dpop_nonce_required',
    });
    expect(refusal.dpopNonce).toMatch(/^[!#-[\]-~]+$/);
    const proof = key.proof({
      method: 'GET',
      url: URL_,
      accessToken: TOKEN,
      nonce: refusal.dpopNonce,
    });
    await expect(checkDpopProof(request({ proof }), settings)).resolves.toEqual({
      thumbprint: key.jkt,
    });
  });

  it('refuses forged, foreign and expired nonces; offers a fresh one when it is about to expire', async () => {
    const settings = withNonce();
    const nowMs = Date.now();
    const current = settings.nonce!.current(nowMs);
    const at = (nonce: string, when = nowMs) =>
      request({
        proof: key.proof({ method: 'GET', url: URL_, accessToken: TOKEN, nonce, iat: when / 1000 }),
        nowMs: when,
      });
    const invalid = { code: 'use_dpop_nonce', reason: 'dpop_nonce_invalid' };
    await expectRefused(
      at(`${current.slice(0, -1)}${current.endsWith('A') ? 'B' : 'A'}`),
      invalid,
      settings,
    );
    const foreign = settingsOf({
      nonce: { secret: `${secret}-other`, rotation: 60 },
    }).nonce!.current(nowMs);
    await expectRefused(at(foreign), invalid, settings);
    // One period later it still works, and the answer carries the next nonce.
    const next = await checkDpopProof(at(current, nowMs + 60_000), settings);
    expect(next.nonce).toBe(settings.nonce!.current(nowMs + 60_000));
    expect(next.nonce).not.toBe(current);
    // Two periods later it has expired.
    await expectRefused(at(current, nowMs + 120_000), invalid, settings);
  });
});
