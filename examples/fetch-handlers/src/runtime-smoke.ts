// Smoke test of @gatehouse/fetch under Bun and Deno (installed from npm with npx): serves
// handler.ts with each runtime's own server (other-runtimes.ts), keys from a real test issuer
// in this Node process, then checks a valid token, a token without the scope, an invalid token
// and no token. Exits 1 on any failure. `pnpm --filter @gatehouse/example-fetch-handlers smoke:runtimes`
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';

const SERVER = fileURLToPath(new URL('./other-runtimes.ts', import.meta.url));
const START_MS = 180_000; // a first run downloads the runtime
const REQUEST_MS = 10_000;

const RUNTIMES: { name: string; args: string[] }[] = [
  { name: 'bun', args: ['-y', 'bun@1.4.5', SERVER] },
  {
    name: 'deno',
    args: [
      '-y',
      'deno@2.9.6',
      'run',
      '--allow-env',
      '--allow-net=127.0.0.1',
      '--allow-read',
      '--allow-sys',
      '--unstable-sloppy-imports',
      SERVER,
    ],
  },
];

/** Waits for the `listening <port>` line; rejects when the process exits or times out first. */
function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" within ${START_MS} ms`)),
      START_MS,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening`));
    });
  });
}

async function check(url: string, issuer: TestIssuer): Promise<string[]> {
  const get = (token?: string) =>
    fetch(`${url}/api/reports`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(REQUEST_MS),
    });
  const cases: [string, string | undefined, number, RegExp][] = [
    ['valid token', await issuer.mint({ scope: 'reports:read' }), 200, /^$/],
    ['token without the scope', await issuer.mint(), 403, /error="insufficient_scope"/],
    ['invalid token', 'not-a-jwt', 401, /error="invalid_token"/],
    ['no token', undefined, 401, /^Bearer$/],
  ];
  const problems: string[] = [];
  for (const [what, token, status, challenge] of cases) {
    const response = await get(token);
    const header = response.headers.get('www-authenticate') ?? '';
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== status || !challenge.test(header)) {
      problems.push(`${what}: ${response.status} ${header} (want ${status})`);
    } else if (status === 200 && !Array.isArray(body.reports)) {
      problems.push(`${what}: body ${JSON.stringify(body)}`);
    }
  }
  return problems;
}

async function smoke(name: string, args: string[], issuer: TestIssuer): Promise<string[]> {
  const child = spawn('npx', args, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, OAUTH_ISSUER: issuer.url, OAUTH_AUDIENCE: issuer.audience },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: npx does not pass a signal on to the runtime it started.
    detached: true,
  });
  try {
    const port = await portOf(child);
    return await check(`http://127.0.0.1:${port}`, issuer);
  } catch (error) {
    return [`${name}: ${(error as Error).message}`];
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
}

const issuer = await createTestIssuer();
let failed = false;
for (const { name, args } of RUNTIMES) {
  const started = performance.now();
  const problems = await smoke(name, args, issuer);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${name}: ${problems.length ? `FAILED\n  ${problems.join('\n  ')}` : 'ok'} (${seconds} s)`,
  );
  failed ||= problems.length > 0;
}
await issuer.close();
process.exit(failed ? 1 : 0);
