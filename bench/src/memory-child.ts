import { KeyObject, randomBytes, sign, type webcrypto } from 'node:crypto';
import { createVerifier } from '@gatehouse/core';
import { createTestIssuer } from '@gatehouse/testing';

/** Heap and RSS at one point, after two full collections. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
}

/** What the child reports: samples around each flood and how the verifier decided. */
export interface MemoryReport {
  baseline: MemorySample;
  afterInvalid: MemorySample;
  afterValid: MemorySample;
  invalidAccepted: number;
  validRejected: number;
  invalidSeconds: number;
  validSeconds: number;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const random = (bytes: number) => randomBytes(bytes).toString('base64url');

function sample(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/**
 * Entry of the memory child (`--expose-gc`): one Gatehouse verifier with default options takes a
 * warm-up, then `size` distinct invalid tokens, then `size` distinct valid ones. Valid tokens are
 * RFC 9068 tokens signed here with the issuer's own ES256 key through node:crypto (minting 100k
 * through the issuer's WebCrypto path would take longer than verifying them).
 */
async function main() {
  const [size, warmup] = JSON.parse(process.argv[2] ?? '[]') as [number, number];
  const issuer = await createTestIssuer({ algorithms: ['ES256'] });
  const key = issuer.keys[0]!;
  const signer = KeyObject.from(key.privateKey as unknown as webcrypto.CryptoKey);
  const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
  const header = b64({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
  const now = Math.floor(Date.now() / 1000);
  const claims = (n: number) => ({
    iss: issuer.url,
    sub: `user-${n}`,
    aud: issuer.audience,
    client_id: 'test-client',
    iat: now,
    exp: now + 3600,
    jti: random(12),
  });
  const valid = (n: number) => {
    const input = `${header}.${b64(claims(n))}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: signer,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  };
  // Four kinds of hostile input, each random so no two tokens are alike.
  const invalid = (n: number) => {
    switch (n % 4) {
      case 0:
        return `${random(24)}.${random(96)}.${random(64)}`;
      case 1:
        return `${header}.${b64(claims(n))}.${random(64)}`;
      case 2:
        return `${b64({ alg: 'ES256', kid: random(8), typ: 'at+jwt' })}.${b64(claims(n))}.${random(64)}`;
      default:
        return `${header}.${b64({ ...claims(n), iss: `https://${random(6)}.example.test` })}.${random(64)}`;
    }
  };
  const flood = async (count: number, make: (n: number) => string, offset: number) => {
    let accepted = 0;
    for (let n = 0; n < count; n++) {
      await verifier.verify(make(offset + n)).then(
        () => accepted++,
        () => {},
      );
    }
    return accepted;
  };

  await flood(warmup, valid, 0);
  await flood(warmup, invalid, 0);
  const baseline = sample();
  let start = performance.now();
  const invalidAccepted = await flood(size, invalid, warmup);
  const invalidSeconds = (performance.now() - start) / 1000;
  const afterInvalid = sample();
  start = performance.now();
  const validAccepted = await flood(size, valid, warmup);
  const validSeconds = (performance.now() - start) / 1000;
  const afterValid = sample();
  await issuer.close();
  const report: MemoryReport = {
    baseline,
    afterInvalid,
    afterValid,
    invalidAccepted,
    validRejected: size - validAccepted,
    invalidSeconds,
    validSeconds,
  };
  process.send?.(report);
}

if (process.send) {
  main().catch((error: Error) => {
    process.send?.({ error: error.message });
    process.exitCode = 1;
  });
}
