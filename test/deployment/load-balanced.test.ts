import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  startRedisServer,
} from '../../packages/redis/test/support/redis-server.js';
import { type Running, startHaproxy, startInstance } from './processes.js';

// Three API processes behind HAProxy (round robin), sharing one real Redis for DPoP replay state
// and one nonce secret; everything on unix sockets or 127.0.0.1 port 0.
const ORIGIN = 'http://api.gatehouse.test';
const INSTANCES = ['a', 'b', 'c'];

let dir: string;
let redis: RedisServer;
let issuer: TestIssuer;
let instances: Running[] = [];
let balancer: Running;
let lbSocket: string;
let key: DpopKey;
let nonce = '';

interface Answer {
  status: number;
  servedBy: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One request through the load balancer, addressed as clients see the API (`ORIGIN`). */
function call(headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        socketPath: lbSocket,
        path: '/accounts',
        headers: { host: 'api.gatehouse.test', ...headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            servedBy: String(response.headers['x-served-by'] ?? ''),
            headers: response.headers,
            body: text.startsWith('{') ? JSON.parse(text) : {},
          }),
        );
      },
    );
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('no answer within 10 s')));
    outgoing.once('error', reject);
    outgoing.end();
  });
}

const proofFor = (token: string) =>
  key.proof({ method: 'GET', url: `${ORIGIN}/accounts`, accessToken: token, nonce });

const dpopCall = (token: string, proof = proofFor(token)) =>
  call({ authorization: `DPoP ${token}`, dpop: proof });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-deploy-'));
  lbSocket = join(dir, 'lb.sock');
  [redis, issuer, key] = await Promise.all([
    startRedisServer(),
    createTestIssuer(),
    createDpopKey(),
  ]);
  const secret = randomBytes(32).toString('base64url');
  instances = await Promise.all(
    INSTANCES.map((instance) =>
      startInstance({
        instance,
        socket: join(dir, `${instance}.sock`),
        issuer: issuer.url,
        audience: issuer.audience,
        redisUrl: redis.url,
        publicOrigin: ORIGIN,
        nonceSecret: secret,
      }),
    ),
  );
  balancer = await startHaproxy(
    dir,
    lbSocket,
    INSTANCES.map((instance) => join(dir, `${instance}.sock`)),
  );
  // The first DPoP request learns the server nonce (RFC 9449 §9).
  const token = await issuer.mint({ cnf: { jkt: key.jkt } });
  const first = await dpopCall(token);
  expect(first.status).toBe(401);
  expect(first.body['error']).toBe('use_dpop_nonce');
  nonce = String(first.headers['dpop-nonce']);
}, 120_000);

afterAll(async () => {
  await balancer?.kill();
  await Promise.all(instances.map((instance) => instance.kill()));
  await issuer?.close();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('three instances behind HAProxy, one Redis', () => {
  it('every instance accepts a nonce issued by another, and fresh proofs', async () => {
    const token = await issuer.mint({ cnf: { jkt: key.jkt } });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await dpopCall(token));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.body['instance']))).toEqual(new Set(INSTANCES));
  });

  it('a proof accepted by one instance is refused by the others (RFC 9449 §11.1)', async () => {
    const token = await issuer.mint({ cnf: { jkt: key.jkt } });
    const proof = proofFor(token);
    const accepted = await dpopCall(token, proof);
    expect(accepted.status).toBe(200);
    const replays = [await dpopCall(token, proof), await dpopCall(token, proof)];
    for (const replay of replays) {
      expect(replay.status).toBe(401);
      expect(replay.body['error']).toBe('invalid_dpop_proof');
    }
    const servers = new Set([accepted.servedBy, ...replays.map((replay) => replay.servedBy)]);
    expect(servers.size).toBe(3);
  });

  it('a JWKS rotation at the issuer is seen by every instance', async () => {
    await issuer.rotateKeys({ keepOld: false });
    const token = await issuer.mint({ cnf: { jkt: key.jkt } });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await dpopCall(token));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.servedBy)).size).toBe(3);
  });

  it('an instance killed mid-load loses no request that was not already in flight', async () => {
    const token = await issuer.mint({ cnf: { jkt: key.jkt } });
    const total = 90;
    const concurrency = 3;
    const inFlight = new Set<number>();
    let inFlightAtKill = new Set<number>();
    const failed: number[] = [];
    const servedAfterKill = new Set<string>();
    let killed = false;
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < total) {
        const index = next;
        next += 1;
        const startedAfterKill = killed;
        inFlight.add(index);
        const answer = await dpopCall(token).catch(() => undefined);
        inFlight.delete(index);
        done += 1;
        if (answer?.status !== 200) failed.push(index);
        if (startedAfterKill && answer) servedAfterKill.add(answer.servedBy);
        if (done === 30) {
          inFlightAtKill = new Set(inFlight);
          killed = true;
          await instances[1]?.kill();
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    expect(done).toBe(total);
    for (const index of failed) expect(inFlightAtKill.has(index), `request ${index}`).toBe(true);
    // The survivors took over: the killed instance (i1) answered nothing after its death.
    expect([...servedAfterKill].sort()).toEqual(['i0', 'i2']);
  });
});
