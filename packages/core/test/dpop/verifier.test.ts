import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../../src/config-error.js';
import type { GatehouseEvent } from '../../src/types.js';
import { createVerifier } from '../../src/verify.js';

const URL_ = 'https://api.example.com/accounts';

let issuer: TestIssuer;
let key: DpopKey;
beforeAll(async () => {
  [issuer, key] = await Promise.all([createTestIssuer(), createDpopKey()]);
});
afterAll(() => issuer?.close());

const options = (dpop: Parameters<typeof createVerifier>[0]['dpop'] = true) => ({
  issuer: issuer.url,
  audience: issuer.audience,
  dpop,
});
const bound = () => issuer.mint({ cnf: { jkt: key.jkt } });
const request = (token: string, by = key) => ({
  proof: by.proof({ method: 'GET', url: URL_, accessToken: token }),
  method: 'GET',
  url: URL_,
});

describe('verifier.authenticate with dpop (RFC 9449 §7)', () => {
  it('accepts Authorization: DPoP (any case) with its proof, and tells the key', async () => {
    const verifier = createVerifier(options());
    const token = await bound();
    for (const scheme of ['DPoP', 'dpop', 'DPOP']) {
      const auth = await verifier.authenticate(`${scheme} ${token}`, request(token));
      expect(auth.dpop).toEqual({ jkt: key.jkt });
      expect(auth.subject).toBeDefined();
      expect(Object.isFrozen(auth)).toBe(true);
    }
    // The request may be given lazily.
    await expect(
      verifier.authenticate(`DPoP ${token}`, () => request(token)),
    ).resolves.toBeDefined();
  });

  it('refuses the bound token as Bearer, also after it was verified (and cached) through DPoP', async () => {
    const verifier = createVerifier(options());
    const token = await bound();
    for (let i = 0; i < 3; i += 1) await verifier.authenticate(`DPoP ${token}`, request(token));
    await expect(verifier.authenticate(`Bearer ${token}`)).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'sender_constrained',
      scheme: 'Bearer',
    });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'sender_constrained' });
  });

  it('still accepts plain Bearer tokens next to DPoP, unless DPoP is required', async () => {
    const token = await issuer.mint();
    await expect(createVerifier(options()).authenticate(`Bearer ${token}`)).resolves.toBeDefined();
    const required = createVerifier(options({ required: true }));
    await expect(required.authenticate(`Bearer ${token}`)).rejects.toMatchObject({
      code: 'unauthorized',
      reason: 'missing_credentials',
    });
    expect(required.challenge.dpop).toEqual({
      algorithms: ['ES256', 'ES256K', 'ES384', 'ES512', 'PS256', 'PS384'],
      bearer: false,
    });
  });

  it('refuses a DPoP request without a proof, or with the proof of another request', async () => {
    const verifier = createVerifier(options());
    const token = await bound();
    await expect(verifier.authenticate(`DPoP ${token}`)).rejects.toMatchObject({
      code: 'invalid_dpop_proof',
      reason: 'dpop_proof_missing',
    });
    await expect(
      verifier.authenticate(`DPoP ${token}`, { ...request(token), method: 'DELETE' }),
    ).rejects.toMatchObject({ code: 'invalid_dpop_proof', reason: 'dpop_method_mismatch' });
  });

  it('answers a bad token of a DPoP request on the DPoP challenge', async () => {
    const verifier = createVerifier(options());
    const expired = await issuer.mint({ cnf: { jkt: key.jkt } }, { expiresIn: -60 });
    await expect(verifier.authenticate(`DPoP ${expired}`, request(expired))).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'expired',
      scheme: 'DPoP',
    });
    const unbound = await issuer.mint();
    await expect(verifier.authenticate(`DPoP ${unbound}`, request(unbound))).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'dpop_unbound_token',
      scheme: 'DPoP',
    });
  });

  it('holds a bound token to requiredClaims and claim rules, as under Bearer', async () => {
    const verifier = createVerifier({
      ...options(),
      requiredClaims: ['tenant'],
      claims: { scope: { includes: 'accounts:read' } },
    });
    const good = await issuer.mint({
      cnf: { jkt: key.jkt },
      tenant: 'acme',
      scope: 'accounts:read',
    });
    await expect(verifier.authenticate(`DPoP ${good}`, request(good))).resolves.toBeDefined();
    const noTenant = await issuer.mint({ cnf: { jkt: key.jkt }, scope: 'accounts:read' });
    await expect(
      verifier.authenticate(`DPoP ${noTenant}`, request(noTenant)),
    ).rejects.toMatchObject({ code: 'invalid_token', reason: 'missing_claim', scheme: 'DPoP' });
    const noScope = await issuer.mint({ cnf: { jkt: key.jkt }, tenant: 'acme' });
    await expect(verifier.authenticate(`DPoP ${noScope}`, request(noScope))).rejects.toMatchObject({
      code: 'invalid_token',
      scheme: 'DPoP',
    });
  });

  it('treats DPoP as another scheme when it is off', async () => {
    const token = await bound();
    await expect(
      createVerifier(options(false)).authenticate(`DPoP ${token}`, request(token)),
    ).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('reports proof refusals to onEvent, never the proof or the token', async () => {
    const events: GatehouseEvent[] = [];
    const verifier = createVerifier({ ...options(), onEvent: (event) => events.push(event) });
    const token = await bound();
    const check = request(token);
    await verifier.authenticate(`DPoP ${token}`, check);
    await verifier.authenticate(`DPoP ${token}`, check).catch(() => {});
    expect(events).toContainEqual({
      type: 'token_rejected',
      code: 'invalid_dpop_proof',
      reason: 'dpop_replayed',
    });
    expect(JSON.stringify(events)).not.toContain(token.slice(-20));
  });
});

describe('the dpop option is validated at construction', () => {
  it.each([
    [{ algorithms: ['HS256'] }, 'dpop.algorithms.0'],
    [{ algorithms: [] }, 'dpop.algorithms'],
    [{ nonce: { secret: 'short' } }, 'dpop.nonce.secret'],
    [{ origin: 'https://api.example.com/base' }, 'dpop.origin'],
    [{ maxAge: 0 }, 'dpop.maxAge'],
    [{ replayStore: {} }, 'dpop.replayStore'],
    [{ requierd: true }, 'dpop'],
  ])('%j → names %s', (dpop, path) => {
    let thrown: unknown;
    try {
      createVerifier({ issuer: 'https://as.example.com', audience: 'api', dpop } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatehouseConfigError);
    expect((thrown as GatehouseConfigError).issues.map((issue) => issue.path)).toContain(path);
  });
});
