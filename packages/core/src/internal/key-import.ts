/**
 * JWKS → ready-to-use public `KeyObject`s, indexed for a constant-time lookup by `kid` and `alg`.
 *
 * Every key is imported once per fetched set with Node's own JWK import (`createPublicKey`), so
 * a lookup on the request path is two `Map` reads and no crypto.
 *
 * Does not: build a private or secret key (a JWK carrying `d` or of kty `oct` is skipped); accept
 * a key for an algorithm outside its family (RFC 7518 §3.1) or other than its own `alg`; accept
 * RSA moduli under 2048 bits (RFC 7518 §3.3); throw for a single bad key (it is skipped).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { type GatehouseError, invalidToken } from '../errors.js';

/** Marks a (kid, alg) or (alg) slot that more than one key fits. */
export const AMBIGUOUS: unique symbol = Symbol('ambiguous key');

type Slot = KeyObject | typeof AMBIGUOUS;

/** An imported key set. Immutable once built. */
export interface KeySet {
  /** kid → alg → key. */
  readonly byKid: ReadonlyMap<string, ReadonlyMap<string, Slot>>;
  /** alg → key, over every usable key: for tokens without `kid`. */
  readonly byAlg: ReadonlyMap<string, Slot>;
  /** Every usable key. */
  readonly keys: ReadonlySet<KeyObject>;
  /** Public key material → key, so an unchanged key keeps its `KeyObject` across refetches. */
  readonly byMaterial: ReadonlyMap<string, KeyObject>;
}

/** A JWKS that is refused as a whole (not an object with a `keys` array, or too many keys). */
export class KeySetError extends Error {
  override readonly name = 'KeySetError';
}

const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

/** Signature algorithms per key family, RFC 7518 §3.1 and RFC 8037 §3.1. */
const FAMILY_ALGS: Readonly<Record<string, readonly string[]>> = {
  RSA: RSA_ALGS,
  'EC:P-256': ['ES256'],
  'EC:P-384': ['ES384'],
  'EC:P-521': ['ES512'],
  'OKP:Ed25519': ['EdDSA'],
  'OKP:Ed448': ['EdDSA'],
};

/** Every algorithm a key in a set can ever serve; anything else never has a candidate. */
export const SUPPORTED_ALGORITHMS: ReadonlySet<string> = new Set(Object.values(FAMILY_ALGS).flat());

const MIN_RSA_BITS = 2048;

/** Only the members Node needs: other JWK members never reach the importer. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/**
 * Imports a JWKS (RFC 7517 §5). Throws `KeySetError` when the document is not a key set or holds
 * more than `maxKeys` entries (counted before filtering, so the import work is bounded too).
 * A key whose material is unchanged from `previous` keeps its `KeyObject`, so verified-token
 * cache entries (which compare the key the store picks with theirs) survive a refresh that did
 * not change the key.
 */
export function importKeySet(document: unknown, maxKeys: number, previous?: KeySet): KeySet {
  const entries = (document as { keys?: unknown } | null)?.keys;
  if (typeof document !== 'object' || document === null || !Array.isArray(entries)) {
    throw new KeySetError('not a JWK set (no "keys" array)');
  }
  if (entries.length > maxKeys) {
    throw new KeySetError(`more than ${maxKeys} keys (${entries.length})`);
  }
  const byKid = new Map<string, Map<string, Slot>>();
  const byAlg = new Map<string, Slot>();
  const keys = new Set<KeyObject>();
  const byMaterial = new Map<string, KeyObject>();
  for (const entry of entries) {
    const imported = importKey(entry, previous);
    if (imported === undefined) continue;
    keys.add(imported.key);
    byMaterial.set(imported.material, imported.key);
    let forKid: Map<string, Slot> | undefined;
    if (imported.kid !== undefined) {
      forKid = byKid.get(imported.kid) ?? new Map<string, Slot>();
      byKid.set(imported.kid, forKid);
    }
    for (const alg of imported.algs) {
      byAlg.set(alg, byAlg.has(alg) ? AMBIGUOUS : imported.key);
      forKid?.set(alg, forKid.has(alg) ? AMBIGUOUS : imported.key);
    }
  }
  return { byKid, byAlg, keys, byMaterial };
}

/** The key for a token's `alg` and `kid`: a key, `AMBIGUOUS`, or `undefined` (no candidate). */
export function findKey(set: KeySet, alg: string, kid: string | undefined): Slot | undefined {
  return kid === undefined ? set.byAlg.get(alg) : set.byKid.get(kid)?.get(alg);
}

/** invalid_token/unknown_kid: no key of the set fits the token. */
export function noKeyError(kid: string | undefined): GatehouseError {
  return invalidToken(
    'unknown_kid',
    kid === undefined
      ? 'no key of the issuer matches the token algorithm'
      : 'no key of the issuer matches the token kid and algorithm',
  );
}

/** invalid_token/ambiguous_key: several keys fit and the token does not say which. */
export function ambiguousKeyError(kid: string | undefined): GatehouseError {
  return invalidToken(
    'ambiguous_key',
    kid === undefined
      ? 'the token has no kid and several keys match its algorithm'
      : 'several keys share the token kid',
  );
}

interface ImportedKey {
  kid: string | undefined;
  algs: readonly string[];
  key: KeyObject;
  material: string;
}

function importKey(entry: unknown, previous: KeySet | undefined): ImportedKey | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const jwk = entry as Record<string, unknown>;
  const algs = candidateAlgorithms(jwk);
  if (algs === undefined) return undefined;
  const kid = jwk['kid'];
  if (kid !== undefined && typeof kid !== 'string') return undefined;
  const kty = jwk['kty'] as string;
  const minimal: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS[kty] ?? []) {
    if (typeof jwk[member] !== 'string') return undefined;
    minimal[member] = jwk[member];
  }
  const material = JSON.stringify(minimal);
  const known = previous?.byMaterial.get(material);
  if (known !== undefined) return { kid, algs, key: known, material };
  let key: KeyObject;
  try {
    // biome-ignore lint/suspicious/noExplicitAny: node's JsonWebKey type is narrower than a JWK.
    key = createPublicKey({ key: minimal as any, format: 'jwk' });
  } catch {
    return undefined;
  }
  if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    return undefined;
  }
  return { kid, algs, key, material };
}

/** The algorithms a JWK may verify, or `undefined` when it is not a usable public signing key. */
function candidateAlgorithms(jwk: Record<string, unknown>): readonly string[] | undefined {
  // RFC 7517 §4.2, §4.3: a key meant for encryption, or not for verifying, is not a candidate.
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return undefined;
  const ops = jwk['key_ops'];
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return undefined;
  // Private (RSA/EC/OKP `d`) or symmetric material: never turned into a key.
  if (jwk['d'] !== undefined || jwk['k'] !== undefined) return undefined;
  const kty = jwk['kty'];
  const family = kty === 'RSA' ? 'RSA' : `${String(kty)}:${String(jwk['crv'])}`;
  const algs = FAMILY_ALGS[family];
  if (algs === undefined) return undefined;
  const own = jwk['alg'];
  if (own === undefined) return algs;
  // RFC 7517 §4.4 / RFC 8725 §3.1: a key that names its algorithm serves that one only.
  return typeof own === 'string' && algs.includes(own) ? [own] : undefined;
}
