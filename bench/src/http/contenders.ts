/** Frameworks of the HTTP section. */
export type Framework = 'express' | 'koa' | 'fastify' | 'hono';

/** One HTTP contender: a server process running `name` (see server.ts). */
export interface HttpContender {
  name: string;
  framework: Framework;
  /**
   * `no-op`: the bare app plus one middleware that only sets `auth` to a constant — what any
   * authentication middleware costs on that framework before doing any work. `floor`: the no-op
   * middleware plus the least any verifier must do per request (see floor.ts) — the limit.
   * `offload`: the floor with its signature checked on libuv's thread pool — the best case for
   * verifying off the main thread (Express only: the peer that does so runs on Express).
   */
  kind: 'bare' | 'no-op' | 'floor' | 'offload' | 'gatehouse' | 'peer';
}

/** Every HTTP contender, grouped by framework: bare, no-op, floor, Gatehouse, then the peers. */
export const HTTP_CONTENDERS: HttpContender[] = [
  { name: 'express', framework: 'express', kind: 'bare' },
  { name: 'express+no-op', framework: 'express', kind: 'no-op' },
  { name: 'express+floor', framework: 'express', kind: 'floor' },
  { name: 'express+floor-offload', framework: 'express', kind: 'offload' },
  { name: 'express+gatehouse', framework: 'express', kind: 'gatehouse' },
  { name: 'express+oauth2-jwt-bearer', framework: 'express', kind: 'peer' },
  { name: 'express+express-jwt', framework: 'express', kind: 'peer' },
  { name: 'koa', framework: 'koa', kind: 'bare' },
  { name: 'koa+no-op', framework: 'koa', kind: 'no-op' },
  { name: 'koa+floor', framework: 'koa', kind: 'floor' },
  { name: 'koa+gatehouse', framework: 'koa', kind: 'gatehouse' },
  { name: 'koa+koa-jwt', framework: 'koa', kind: 'peer' },
  { name: 'fastify', framework: 'fastify', kind: 'bare' },
  { name: 'fastify+no-op', framework: 'fastify', kind: 'no-op' },
  { name: 'fastify+floor', framework: 'fastify', kind: 'floor' },
  { name: 'fastify+gatehouse', framework: 'fastify', kind: 'gatehouse' },
  { name: 'fastify+fastify-jwt', framework: 'fastify', kind: 'peer' },
  { name: 'hono', framework: 'hono', kind: 'bare' },
  { name: 'hono+no-op', framework: 'hono', kind: 'no-op' },
  { name: 'hono+gatehouse', framework: 'hono', kind: 'gatehouse' },
  { name: 'hono+hono-jwk', framework: 'hono', kind: 'peer' },
];
