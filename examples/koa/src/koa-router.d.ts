// @koa/router 13 ships no types, and @types/koa__router 15 is only a stub pointing at the types
// @koa/router 15 ships itself. This covers what the example uses; delete it once the workspace
// moves to @koa/router 15.
declare module '@koa/router' {
  import type { Middleware } from 'koa';

  export default class Router {
    constructor(options?: { prefix?: string });
    use(...middleware: Middleware[]): this;
    get(path: string, ...middleware: Middleware[]): this;
    routes(): Middleware;
    allowedMethods(): Middleware;
  }
}
