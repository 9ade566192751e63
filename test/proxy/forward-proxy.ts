import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One request the proxy forwarded (or refused). `auth`: whether `Proxy-Authorization` was sent. */
export interface ProxiedRequest {
  method: string;
  target: string;
  auth: 'sent' | 'none';
}

/** A forward proxy running in a child process on 127.0.0.1. */
export interface ForwardProxy {
  /** `http://127.0.0.1:PORT` (with `user:password@` when started with `auth`). */
  readonly url: string;
  /** Requests seen so far, live. */
  readonly requests: readonly ProxiedRequest[];
  readonly pid: number;
  close(): Promise<void>;
}

const SCRIPT = new URL('./forward-proxy-process.mjs', import.meta.url);

/**
 * Starts `forward-proxy-process.mjs` as a separate Node process (a real proxy, not an
 * in-process stub) and resolves once it listens. With `auth: 'user:password'` it answers 407
 * to requests without those Basic credentials. Rejects after 10 s if it never listens.
 */
export function startForwardProxy(options: { auth?: string } = {}): Promise<ForwardProxy> {
  const args = [SCRIPT.pathname, ...(options.auth ? ['--auth', options.auth] : [])];
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const requests: ProxiedRequest[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new Error('the forward proxy did not start within 10 s'));
    }, 10_000);
    child.once('error', reject);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const listening = /^LISTENING (\d+)$/.exec(line);
      if (listening) {
        clearTimeout(timer);
        const credentials = options.auth ? `${options.auth}@` : '';
        resolve({
          url: `http://${credentials}127.0.0.1:${listening[1]}`,
          requests,
          pid: child.pid!,
          close,
        });
      } else if (line.startsWith('{')) {
        requests.push(JSON.parse(line) as ProxiedRequest);
      }
    });
  });
}
