import { createServer } from 'node:http';
import * as expressAdapter from '@gatehouse/express';
import * as fastifyAdapter from '@gatehouse/fastify';
import * as koaAdapter from '@gatehouse/koa';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Koa3, { type Middleware } from 'koa';
import Koa2 from 'koa2';
import { appError, describeAuth, guardOf, listen, type RunningApp } from './app-shared.js';
import { FETCH_FRAMEWORKS } from './fetch-apps.js';
import { type Fixture, ROUTES } from './fixture.js';
import { NEST_FRAMEWORKS } from './nest-apps.js';

// Each builder mounts the same thing: GET /public (no auth), GET /unguarded/scoped (a guard
// without requireAuth), and for every variant GET /<variant>/<route> behind requireAuth(options).

function startExpress(express: typeof express5, fixture: Fixture): Promise<RunningApp> {
  const { requireAuth } = expressAdapter;
  const app = express();
  const answer: express5.RequestHandler = (req, res) => {
    res.json(describeAuth(req.auth));
  };
  app.get('/public', answer);
  app.get('/unguarded/scoped', guardOf('scoped', expressAdapter)!, answer);
  for (const [variant, options] of Object.entries(fixture.options)) {
    const router = express.Router();
    router.use(requireAuth(options as never));
    for (const route of ROUTES)
      router.get(`/${route}`, guardOf(route, expressAdapter) ?? [], answer);
    app.use(`/${variant}`, router);
  }
  app.use(((error, _req, res, _next) => {
    const { status, body } = appError(error);
    res.status(status).json(body);
  }) as express5.ErrorRequestHandler);
  return listen(createServer(app));
}

function startKoa(Koa: typeof Koa3, fixture: Fixture): Promise<RunningApp> {
  const { requireAuth } = koaAdapter;
  const app = new Koa();
  const answer: Middleware = (ctx) => {
    ctx.body = describeAuth(ctx.state.auth);
  };
  const routes = new Map<string, Middleware>([
    ['/public', answer],
    ['/unguarded/scoped', chain([guardOf('scoped', koaAdapter)!, answer])],
  ]);
  for (const [variant, options] of Object.entries(fixture.options)) {
    const auth = requireAuth(options as never);
    for (const route of ROUTES) {
      const guard = guardOf(route, koaAdapter);
      routes.set(`/${variant}/${route}`, chain([auth, ...(guard ? [guard] : []), answer]));
    }
  }
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, body } = appError(error);
      ctx.status = status;
      ctx.body = body;
    }
  });
  app.use((ctx, next) => (routes.get(ctx.path) ?? ((_, n) => n()))(ctx, next));
  return listen(createServer(app.callback()));
}

// A router is not the subject here; this runs middleware in order, like koa-compose.
const chain =
  (middleware: Middleware[]): Middleware =>
  (ctx, next) => {
    const run = (i: number): Promise<unknown> =>
      i === middleware.length ? next() : Promise.resolve(middleware[i]!(ctx, () => run(i + 1)));
    return run(0);
  };

async function startFastify(fixture: Fixture): Promise<RunningApp> {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = appError(error);
    return reply.code(status).send(body);
  });
  app.get('/public', async (request) => describeAuth(request.auth));
  app.get(
    '/unguarded/scoped',
    { preHandler: guardOf('scoped', fastifyAdapter)! },
    async (request) => describeAuth(request.auth),
  );
  for (const [variant, options] of Object.entries(fixture.options)) {
    // Encapsulated on purpose: the plugin protects this context only, siblings stay public.
    await app.register(
      async (scope) => {
        await scope.register(fastifyAdapter.gatehouse, options as never);
        for (const route of ROUTES) {
          const guard = guardOf(route, fastifyAdapter);
          scope.get(`/${route}`, guard ? { preHandler: guard } : {}, async (request) =>
            describeAuth(request.auth),
          );
        }
      },
      { prefix: `/${variant}` },
    );
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** Every framework (and major version) the table runs against. */
export const FRAMEWORKS: { name: string; start(fixture: Fixture): Promise<RunningApp> }[] = [
  { name: 'Express 5', start: (fixture) => startExpress(express5, fixture) },
  { name: 'Express 4', start: (fixture) => startExpress(express4, fixture) },
  { name: 'Koa 3', start: (fixture) => startKoa(Koa3, fixture) },
  { name: 'Koa 2', start: (fixture) => startKoa(Koa2, fixture) },
  { name: 'Fastify 5', start: startFastify },
  ...FETCH_FRAMEWORKS,
  ...NEST_FRAMEWORKS,
];
