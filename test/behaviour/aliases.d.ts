// The second major versions are installed under aliases without types of their own; their
// public API is the one typed by @types/express and @types/koa.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
