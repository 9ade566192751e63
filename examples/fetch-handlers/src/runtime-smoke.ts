// Smoke test of @gatehouse/fetch under Bun and Deno (installed from npm with npx): serves
// handler.ts with each runtime's own server (other-runtimes.ts), keys from a real test issuer
// in this Node process, then runs the same checks against each (a public route, a valid token,
// a token without the scope, an invalid and an expired token, no token, the readiness route).
//   pnpm smoke:runtimes [--result out.json]
// Each check of each runtime counts as one test; a runtime that cannot be downloaded or started
// fails every one of its checks, naming the command. With --result, the counts are written as
// .ci/summary.mjs reads them ({ label, passed, failed, skipped, problems }). Exits 1 on any
// failure.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';

const SERVER = fileURLToPath(new URL('./other-runtimes.ts', import.meta.url));
const START_MS = 150_000; // a first run downloads the runtime (~5 s each on a fast registry)
const REQUEST_MS = 10_000;

const RUNTIMES: { name: string; args: string[] }[] = [
  { name: 'Bun 1.4.5', args: ['-y', 'bun@1.4.5', SERVER] },
  {
    name: 'Deno 2.9.6',
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

/** One request and what its answer must be; `null` when it is, else what was wrong. */
interface Check {
  name: string;
  run(url: string, issuer: TestIssuer): Promise<string | null>;
}

const get = (url: string, token?: string) =>
  fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(REQUEST_MS),
  });

/** GET `path` (with `token`) must answer `status`, a challenge matching `challenge`, and `body`. */
const expect =
  (
    path: string,
    token: (issuer: TestIssuer) => Promise<string | undefined>,
    status: number,
    challenge: RegExp,
    body: (json: Record<string, unknown>) => boolean,
  ): Check['run'] =>
  async (url, issuer) => {
    const response = await get(`${url}${path}`, await token(issuer));
    const header = response.headers.get('www-authenticate') ?? '';
    const text = await response.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return `${response.status}, a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`;
    }
    if (response.status === status && challenge.test(header) && body(json)) return null;
    return `${response.status}, www-authenticate "${header}", body ${text.slice(0, 300)} (want ${status}, ${challenge})`;
  };

const none = async () => undefined;
const errorIs = (code: string) => (json: Record<string, unknown>) => json.error === code;

const CHECKS: Check[] = [
  {
    name: 'public route without a token: 200',
    run: expect('/health', none, 200, /^$/, (json) => json.ok === true),
  },
  {
    name: 'protected route, valid token with the scope: 200',
    run: expect(
      '/api/reports',
      (issuer) => issuer.mint({ scope: 'reports:read' }),
      200,
      /^$/,
      (json) => Array.isArray(json.reports),
    ),
  },
  {
    name: 'valid token without the scope: 403 insufficient_scope, scope="reports:read"',
    run: expect(
      '/api/reports',
      (issuer) => issuer.mint(),
      403,
      /^Bearer error="insufficient_scope", .*scope="reports:read"/,
      errorIs('insufficient_scope'),
    ),
  },
  {
    name: 'invalid token: 401 invalid_token with the challenge',
    run: expect(
      '/api/reports',
      async () => 'not-a-jwt',
      401,
      /^Bearer error="invalid_token"/,
      errorIs('invalid_token'),
    ),
  },
  {
    name: 'expired token: 401 invalid_token with the challenge',
    run: expect(
      '/api/hello',
      (issuer) => issuer.mint({}, { expiresIn: -120 }),
      401,
      /^Bearer error="invalid_token"/,
      errorIs('invalid_token'),
    ),
  },
  {
    name: 'no token: 401 with a bare Bearer challenge',
    run: expect('/api/hello', none, 401, /^Bearer$/, errorIs('unauthorized')),
  },
  {
    // After the checks above the issuer's keys are cached: health() reports it ready.
    name: 'readiness route (health()) after a verified token: 200, issuer ready',
    run: expect('/ready', none, 200, /^$/, (json) => json.ready === true),
  },
];

/** Waits for the `listening <port>` line; rejects when the process exits or times out first. */
function portOf(child: ChildProcess, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`\`${command}\` printed no "listening" line within ${START_MS} ms`)),
      START_MS,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run \`${command}\`: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `\`${command}\` exited (${signal ?? code}) before listening: the runtime could not be downloaded or started (its output is above)`,
        ),
      );
    });
  });
}

/** Runs every check against one runtime: the failures, one per check that did not pass. */
async function smoke(args: string[], issuer: TestIssuer): Promise<(string | null)[]> {
  const command = `npx ${args.filter((arg) => arg !== SERVER).join(' ')}`;
  const child = spawn('npx', args, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, OAUTH_ISSUER: issuer.url, OAUTH_AUDIENCE: issuer.audience },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: npx does not pass a signal on to the runtime it started.
    detached: true,
  });
  running.add(child);
  try {
    const url = `http://127.0.0.1:${await portOf(child, command)}`;
    const outcomes: (string | null)[] = [];
    for (const check of CHECKS) {
      outcomes.push(await check.run(url, issuer).catch((error: Error) => error.message));
    }
    return outcomes;
  } catch (error) {
    // The runtime never served: every check fails, for that one reason.
    console.log(`${command}: ${(error as Error).message}`);
    return CHECKS.map(() => `not run: ${command} did not start`);
  } finally {
    stop(child);
  }
}

const running = new Set<ChildProcess>();
function stop(child: ChildProcess): void {
  running.delete(child);
  if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
}
// Stopped from outside (CI's `timeout`): the runtimes, in process groups of their own, go too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) stop(child);
    process.exit(1);
  });
}

const resultPath = process.argv.includes('--result')
  ? process.argv[process.argv.indexOf('--result') + 1]
  : undefined;
const issuer = await createTestIssuer();
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems: string[] = [];
for (const { name, args } of RUNTIMES) {
  const started = performance.now();
  const outcomes = await smoke(args, issuer);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${name} (${seconds} s):`);
  outcomes.forEach((problem, i) => {
    const check = CHECKS[i]!.name;
    console.log(
      `  ${problem === null ? 'ok  ' : 'FAIL'} ${check}${problem ? `\n       ${problem}` : ''}`,
    );
    if (problem === null) totals.passed += 1;
    else {
      totals.failed += 1;
      problems.push(`${name}: ${check}: ${problem}`);
    }
  });
}
await issuer.close();

const label = `Runtime smoke (${RUNTIMES.map(({ name }) => name).join(', ')})`;
console.log(`${label}: ${totals.passed} passed, ${totals.failed} failed`);
if (resultPath) writeFileSync(resultPath, JSON.stringify({ label, ...totals, problems }));
process.exit(totals.failed > 0 ? 1 : 0);
