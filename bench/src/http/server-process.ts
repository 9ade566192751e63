import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerConfig, ServerMessage } from './server-config.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));
// All servers start side by side (17 with Hono): on a busy shared 2-CPU machine module loading
// alone has taken over 30 s.
const START_TIMEOUT_MS = 120_000;

/** A contender's server running in its own process. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Server CPU time (user + system, µs) and RSS so far. */
  usage(): Promise<{ cpuMicros: number; rss: number }>;
  stop(): Promise<void>;
}

/**
 * Pins a process (all its threads) to one CPU with `taskset`. Returns false where taskset or a
 * second CPU is missing; the run then says the processes were not pinned.
 */
export function pinToCpu(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function nextMessage<T extends ServerMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no '${type}' within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: ServerMessage) => {
      if (message.type === 'failed') done(new Error(message.message));
      else if (message.type === type)
        done(undefined, message as Extract<ServerMessage, { type: T }>);
    };
    const onExit = (code: number | null) => done(new Error(`server exited with code ${code}`));
    const done = (error?: Error, message?: Extract<ServerMessage, { type: T }>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Forks `server.ts <name>`, waits for its port and optionally pins it to `cpu`. `nodeFlags` go
 * before the script (e.g. `--cpu-prof`).
 */
export async function startServer(
  name: string,
  config: ServerConfig,
  cpu: string | null,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const child = fork(SERVER_SCRIPT, [name, JSON.stringify(config)], {
    execArgv: [...nodeFlags, '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  let port: number;
  try {
    ({ port } = await nextMessage(child, 'ready', START_TIMEOUT_MS));
  } catch (error) {
    child.kill();
    throw new Error(`${name} did not start: ${(error as Error).message} ${stderr.trim()}`);
  }
  if (cpu !== null && child.pid) pinToCpu(child.pid, cpu);
  return {
    name,
    pid: child.pid ?? 0,
    port,
    url: `http://127.0.0.1:${port}/`,
    async usage() {
      const reply = nextMessage(child, 'usage', 5000);
      child.send({ type: 'usage' });
      const { cpuMicros, rss } = await reply;
      return { cpuMicros, rss };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
