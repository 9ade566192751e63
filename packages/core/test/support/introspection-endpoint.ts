import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the endpoint answers next: JSON `body`, or `raw` text, after `delayMs`. */
export interface Answer {
  status?: number;
  body?: unknown;
  raw?: string;
  delayMs?: number;
  headers?: Record<string, string>;
}

/** One request the endpoint received. */
export interface Received {
  authorization: string | undefined;
  accept: string | undefined;
  form: URLSearchParams;
}

/**
 * A real HTTP introspection endpoint on 127.0.0.1 whose answers a test decides, plus the
 * issuer metadata (OIDC Discovery) naming it. The issuer is the server's origin.
 */
export interface IntrospectionServer {
  issuer: string;
  endpoint: string;
  received: Received[];
  answer: (form: URLSearchParams) => Answer;
  metadata: Record<string, unknown> | undefined;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export async function startIntrospectionServer(): Promise<IntrospectionServer> {
  const state: IntrospectionServer = {
    issuer: '',
    endpoint: '',
    received: [],
    answer: () => ({ body: { active: false } }),
    metadata: undefined,
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      const metadata = state.metadata ?? {
        issuer: state.issuer,
        introspection_endpoint: state.endpoint,
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata));
      return;
    }
    if (req.url !== '/introspect' || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    state.received.push({
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      form,
    });
    const answer = state.answer(form);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (res.destroyed) return;
    res
      .writeHead(answer.status ?? 200, {
        'content-type': 'application/json',
        ...answer.headers,
      })
      .end(answer.raw ?? JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.issuer = origin;
  state.endpoint = `${origin}/introspect`;
  state.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return state;
}
