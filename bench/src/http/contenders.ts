/** Frameworks of the HTTP section. */
export type Framework = 'express' | 'koa' | 'fastify';

/** One HTTP contender: a server process running `name` (see server.ts). */
export interface HttpContender {
  name: string;
  framework: Framework;
  kind: 'bare' | 'gatehouse' | 'peer';
}

/** Every HTTP contender, grouped by framework: bare first, then Gatehouse, then the peers. */
export const HTTP_CONTENDERS: HttpContender[] = [
  { name: 'express', framework: 'express', kind: 'bare' },
  { name: 'express+gatehouse', framework: 'express', kind: 'gatehouse' },
  { name: 'express+oauth2-jwt-bearer', framework: 'express', kind: 'peer' },
  { name: 'express+express-jwt', framework: 'express', kind: 'peer' },
  { name: 'koa', framework: 'koa', kind: 'bare' },
  { name: 'koa+gatehouse', framework: 'koa', kind: 'gatehouse' },
  { name: 'koa+koa-jwt', framework: 'koa', kind: 'peer' },
  { name: 'fastify', framework: 'fastify', kind: 'bare' },
  { name: 'fastify+gatehouse', framework: 'fastify', kind: 'gatehouse' },
  { name: 'fastify+fastify-jwt', framework: 'fastify', kind: 'peer' },
];
