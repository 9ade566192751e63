// A forward proxy in its own process, for tests: HTTP CONNECT tunnels (RFC 9110 §9.3.6) and
// absolute-form requests (RFC 9112 §3.2.2), to loopback targets only. It prints
// `LISTENING <port>` once, then one JSON line per proxied request: { method, target, auth }.
// Usage: node forward-proxy-process.mjs [--auth user:password]

import { createServer, request } from 'node:http';
import { connect } from 'node:net';

const authIndex = process.argv.indexOf('--auth');
const expected =
  authIndex === -1
    ? undefined
    : `Basic ${Buffer.from(process.argv[authIndex + 1]).toString('base64')}`;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function log(method, target, req) {
  const auth = req.headers['proxy-authorization'] === undefined ? 'none' : 'sent';
  process.stdout.write(`${JSON.stringify({ method, target, auth })}\n`);
}

function authorized(req) {
  return expected === undefined || req.headers['proxy-authorization'] === expected;
}

const server = createServer((req, res) => {
  let target;
  try {
    target = new URL(req.url);
  } catch {
    res.writeHead(400).end();
    return;
  }
  log(req.method, req.url, req);
  if (!authorized(req)) {
    res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
    return;
  }
  if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
    res.writeHead(403).end();
    return;
  }
  const headers = { ...req.headers };
  delete headers['proxy-authorization'];
  delete headers['proxy-connection'];
  const upstream = request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
});

server.on('connect', (req, socket, head) => {
  log('CONNECT', req.url, req);
  const refuse = (status, text) => socket.end(`HTTP/1.1 ${status} ${text}\r\n\r\n`);
  if (!authorized(req)) return refuse(407, 'Proxy Authentication Required');
  const separator = (req.url ?? '').lastIndexOf(':');
  const host = req.url.slice(0, separator);
  const port = Number(req.url.slice(separator + 1));
  if (!LOOPBACK.has(host) || !Number.isInteger(port)) return refuse(403, 'Forbidden');
  const upstream = connect(port, host === '[::1]' ? '::1' : host, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => refuse(502, 'Bad Gateway'));
  socket.on('error', () => upstream.destroy());
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
