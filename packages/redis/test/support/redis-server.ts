import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A real `redis-server` of this test run, on a unix socket of its own (no port to collide on). */
export interface RedisServer {
  /** The socket path: an ioredis "URL". */
  readonly url: string;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const MISSING =
  'redis-server is not installed; these tests need a real Redis: apt-get install -y redis-server';

/**
 * Starts `redis-server` (Debian's package) without persistence, listening only on a unix socket
 * in a fresh temporary directory, and waits until it answers PING (at most 5 s). Fails, never
 * skips, when `redis-server` is missing.
 */
export async function startRedisServer(command = 'redis-server'): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-redis-'));
  const socket = join(dir, 'redis.sock');
  const child = spawn(
    command,
    [
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--unixsocketperm',
      '700',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(new Error(error.code === 'ENOENT' ? MISSING : `redis-server: ${error.message}`)),
    );
    child.once('exit', (code, signal) =>
      resolve(new Error(`redis-server exited early (${code ?? signal})`)),
    );
  });
  const ready = waitForPong(socket, Date.now() + 5000);
  const first = await Promise.race([ready.then(() => undefined), exited]);
  if (first instanceof Error) {
    await rm(dir, { recursive: true, force: true });
    throw first;
  }
  return {
    url: socket,
    pause: () => signal(child, 'SIGSTOP'),
    resume: () => signal(child, 'SIGCONT'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        signal(child, 'SIGCONT');
        signal(child, 'SIGKILL');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(name);
}

async function waitForPong(socket: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (await ping(socket)) return;
    await sleep(25);
  }
  throw new Error('redis-server did not answer PING within 5 s');
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = connect(socket);
    const done = (ok: boolean) => {
      connection.destroy();
      resolve(ok);
    };
    connection.setTimeout(500, () => done(false));
    connection.once('error', () => done(false));
    connection.once('connect', () => connection.write('PING\r\n'));
    connection.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
