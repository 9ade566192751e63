import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A child process of the deployment, and how to end it. */
export interface Running {
  readonly child: ChildProcess;
  /** SIGKILL: gone at once, as a crashed instance is. */
  kill(): Promise<void>;
}

/**
 * Starts `command` and waits (at most `timeoutMs`) until `isReady` says so; its output is kept
 * for the error message when it does not start.
 */
async function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  isReady: (output: string) => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<Running> {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let failure: Error | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure = new Error(
      error.code === 'ENOENT'
        ? `${command} is not installed; the deployment test needs it: apt-get install -y ${command}`
        : `${command}: ${error.message}`,
    );
  });
  child.once('exit', (code, signal) => {
    failure ??= new Error(`${command} exited (${code ?? signal}):\n${output}`);
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await isReady(output))) {
    if (failure) throw failure;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface InstanceConfig {
  instance: string;
  socket: string;
  issuer: string;
  audience: string;
  redisUrl: string;
  publicOrigin: string;
  nonceSecret: string;
}

/** One API process (`examples/dpop/src/instance.ts`) on the workspace sources, via tsx. */
export function startInstance(config: InstanceConfig): Promise<Running> {
  return start(
    process.execPath,
    ['--import', 'tsx', 'examples/dpop/src/instance.ts'],
    {
      ...process.env,
      TSX_TSCONFIG_PATH: join(root, 'tsconfig.test.json'),
      INSTANCE: config.instance,
      SOCKET: config.socket,
      ISSUER: config.issuer,
      AUDIENCE: config.audience,
      REDIS_URL: config.redisUrl,
      PUBLIC_ORIGIN: config.publicOrigin,
      NONCE_SECRET: config.nonceSecret,
    },
    (output) => output.includes('ready\n'),
    60_000,
  );
}

/**
 * HAProxy (Debian's package) round-robin over `backends`, listening on the unix socket
 * `socket`: a connection refused by a dead instance is retried on the next one, and an
 * instance failing three health checks in a row (every 200 ms) is taken out.
 */
export async function startHaproxy(dir: string, socket: string, backends: string[]) {
  const config = join(dir, 'haproxy.cfg');
  await writeFile(
    config,
    [
      'global',
      '  maxconn 512',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 10s',
      '  timeout server 10s',
      // A loaded machine may answer a health check late: that must not take an instance out
      // (round robin over all three is what the tests count on); a dead one is found by the
      // refused connection, which is retried on the next instance.
      '  timeout check 2s',
      '  retries 3',
      '  option redispatch',
      '  retry-on conn-failure empty-response',
      'frontend api',
      `  bind unix@${socket}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk GET /health',
      // Which instance answered, so a test can tell them apart even on a refusal.
      '  http-response set-header x-served-by %[srv_name]',
      ...backends.map(
        (backend, i) => `  server i${i} unix@${backend} check inter 200ms fall 3 rise 1`,
      ),
      '',
    ].join('\n'),
  );
  return start(
    'haproxy',
    ['-db', '-f', config],
    process.env,
    () =>
      new Promise<boolean>((resolve) => {
        const probe = request({ socketPath: socket, path: '/health' }, (response) => {
          response.resume();
          resolve(response.statusCode === 200);
        });
        probe.once('error', () => resolve(false));
        probe.end();
      }),
    10_000,
  );
}
