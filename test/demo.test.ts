import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChallenge } from './e2e/support/challenge.js';

// Runs the real entry point, `node --import tsx examples/demo/src/server.ts`, as `pnpm demo`
// does, then replays the curl commands it prints with fetch. TSX_TSCONFIG_PATH points tsx at
// the workspace sources (tsconfig.test.json paths), so no build is needed first.
const root = fileURLToPath(new URL('..', import.meta.url));
const STARTUP_MS = 90_000;

interface Step {
  title: string;
  expectedStatus: number;
  /** What the guide prints after the status: a JSON body, a challenge, or words. */
  printed: string;
  curl: string;
}

interface Answer {
  status: number;
  challenge: ReturnType<typeof parseChallenge>;
  body: Record<string, unknown>;
}

let demo: ChildProcessWithoutNullStreams;
let output = '';
let steps: Step[] = [];
let issuerUrl = '';

/** Splits a printed command into words: bare words and single-quoted strings (POSIX shell). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** Performs what a printed curl command asks for: -X, -H, -d (form or raw), -u, URL. */
async function runCurl(command: string): Promise<Answer> {
  const words = shellWords(command);
  expect(words[0]).toBe('curl');
  const headers = new Headers();
  const data: string[] = [];
  let method: string | undefined;
  let url = '';
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (word === '-s' || word === '-i') continue;
    if (!['-X', '-H', '-d', '-u'].includes(word)) {
      url = word;
      continue;
    }
    i += 1;
    const value = words[i] ?? '';
    if (word === '-X') method = value;
    else if (word === '-d') data.push(value);
    else if (word === '-u')
      headers.set('authorization', `Basic ${Buffer.from(value).toString('base64')}`);
    else {
      const colon = value.indexOf(':');
      headers.append(value.slice(0, colon), value.slice(colon + 1).trim());
    }
  }
  if (data.length > 0 && !headers.has('content-type')) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
  }
  const response = await fetch(url, {
    method: method ?? (data.length > 0 ? 'POST' : 'GET'),
    headers,
    ...(data.length > 0 ? { body: data.join('&') } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: parseChallenge(response.headers.get('www-authenticate')),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** The guide's steps: `# n. title`, `#    → status …`, then the curl line. */
function parseGuide(text: string): Step[] {
  const parsed: Step[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const title = /^# \d+\. (.+)$/.exec(line)?.[1];
    if (title === undefined) return;
    const expected = /^#\s+→ (\d{3})\b ?(.*)$/.exec(lines[index + 1] ?? '');
    parsed.push({
      title,
      expectedStatus: Number(expected?.[1]),
      printed: expected?.[2] ?? '',
      curl: lines[index + 2] ?? '',
    });
  });
  return parsed;
}

/**
 * Checks an answer against what the guide prints for it: a JSON body, where `"..."` stands for
 * any value, `[...]` for any array and a closing `,...}` for more fields (otherwise the fields
 * are exactly those printed); or a `WWW-Authenticate` challenge, where `"..."` is any value.
 */
function expectAsPrinted(step: Step, answer: Answer): void {
  const { printed, title } = step;
  if (printed.startsWith('{')) {
    const json = printed.slice(0, printed.lastIndexOf('}') + 1);
    const template = JSON.parse(
      json.replaceAll('[...]', '"[...]"').replace(/,\.\.\.\}$/, ',"...":"..."}'),
    ) as Record<string, unknown>;
    const { '...': more, ...fields } = template;
    if (more === undefined)
      expect(Object.keys(answer.body).sort(), title).toEqual(Object.keys(fields).sort());
    for (const [key, value] of Object.entries(fields)) {
      if (value === '...') expect(answer.body, title).toHaveProperty([key]);
      else if (value === '[...]') expect(Array.isArray(answer.body[key]), title).toBe(true);
      else expect(answer.body[key], `${title}: ${key}`).toEqual(value);
    }
  } else if (printed.startsWith('WWW-Authenticate: ')) {
    const challenge = parseChallenge(
      printed.slice('WWW-Authenticate: '.length).split(' (')[0] ?? '',
    );
    expect(answer.challenge?.scheme, title).toBe(challenge?.scheme);
    for (const [key, value] of Object.entries(challenge?.params ?? {})) {
      if (value === '...') expect(answer.challenge?.params, title).toHaveProperty([key]);
      else expect(answer.challenge?.params[key], `${title}: ${key}`).toBe(value);
    }
    expect(answer.challenge?.params['error'], title).toBe(challenge?.params['error']);
  }
}

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    TSX_TSCONFIG_PATH: `${root}tsconfig.test.json`,
  };
  delete env['DATABASE_URL'];
  demo = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/src/server.ts'], {
    cwd: root,
    env,
  });
  demo.stdout.setEncoding('utf8');
  demo.stderr.setEncoding('utf8');
  demo.stderr.on('data', (chunk: string) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo did not start:\n${output}`)),
      STARTUP_MS,
    );
    demo.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    demo.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
  steps = parseGuide(output);
  issuerUrl = /^\s+Issuer\s+(\S+)/m.exec(output)?.[1] ?? '';
}, STARTUP_MS + 5_000);

afterAll(() => {
  if (demo && demo.exitCode === null) demo.kill('SIGKILL');
});

describe('pnpm demo', () => {
  it('prints the API and issuer on 127.0.0.1 and thirteen ready-to-paste requests', () => {
    expect(output).toMatch(/^\s+API\s+http:\/\/127\.0\.0\.1:\d+\s/m);
    expect(issuerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(steps).toHaveLength(13);
    for (const step of steps) expect(step.curl.startsWith('curl '), step.title).toBe(true);
    // Every printed JSON body and challenge is checked against the real answer below.
    expect(steps.filter((step) => /^[{W]/.test(step.printed)).length).toBeGreaterThanOrEqual(8);
  });

  it('answers each printed request as the guide says', async () => {
    const answers: Answer[] = [];
    for (const step of steps) {
      const answer = await runCurl(step.curl);
      expect(answer.status, step.title).toBe(step.expectedStatus);
      expectAsPrinted(step, answer);
      answers.push(answer);
    }
    const [health, me, meAgain, accounts, transfer, badTransfer, noScope, expired, anonymous] =
      answers;
    const [tokenResponse, machineMe, machineAccounts, machineTransfer] = answers.slice(9);

    expect(health?.body).toMatchObject({ status: 'ok', database: 'pglite' });

    // Just-in-time provisioning: created on first sight, reused after (same id).
    const user = me?.body['user'] as { id: number; issuer: string; subject: string };
    expect(me?.body['kind']).toBe('user');
    expect(user).toMatchObject({ issuer: issuerUrl, subject: 'alice' });
    expect(meAgain?.body['user']).toEqual(user);

    const owned = accounts?.body['accounts'] as {
      userId: number;
      name: string;
      balanceCents: number;
    }[];
    expect(owned.map((account) => [account.userId, account.name])).toEqual([
      [user.id, 'checking'],
      [user.id, 'savings'],
    ]);
    expect(transfer?.body['transfer']).toMatchObject({
      from: 'checking',
      to: 'savings',
      amountCents: 2500,
    });
    expect(badTransfer?.body['error']).toBe('invalid_body');
    const after = (await runCurl(steps[3]?.curl ?? '')).body['accounts'] as typeof owned;
    expect(after.map((account) => account.balanceCents)).toEqual([
      (owned[0]?.balanceCents ?? 0) - 2500,
      (owned[1]?.balanceCents ?? 0) + 2500,
    ]);

    expect(noScope?.challenge).toMatchObject({
      scheme: 'Bearer',
      params: { error: 'insufficient_scope', scope: 'accounts:read' },
    });
    expect(expired?.challenge).toMatchObject({
      scheme: 'Bearer',
      params: { error: 'invalid_token' },
    });
    expect(expired?.body['error']).toBe('invalid_token');
    expect(anonymous?.challenge?.scheme).toBe('Bearer');
    expect(anonymous?.challenge?.params['error']).toBeUndefined();

    // The printed token-endpoint request really yields a working machine token.
    expect(tokenResponse?.body).toMatchObject({ token_type: 'Bearer', scope: 'accounts:read' });
    const fresh = await fetch(new URL('/me', new URL(steps[1]?.curl.split(' ').at(-1) ?? '')), {
      headers: { authorization: `Bearer ${String(tokenResponse?.body['access_token'])}` },
    });
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toMatchObject({ kind: 'client', clientId: 'demo-reporting' });

    expect(machineMe?.body).toEqual({
      kind: 'client',
      clientId: 'demo-reporting',
      scopes: ['accounts:read'],
    });
    const all = machineAccounts?.body['accounts'] as { userId: number }[];
    expect(all.map((account) => account.userId)).toEqual([user.id, user.id]);
    expect(machineTransfer?.challenge).toMatchObject({
      scheme: 'Bearer',
      params: { error: 'insufficient_scope', scope: 'transfers:write' },
    });
  });

  it('refuses transfers it cannot make: 404 unknown account, 422 no funds, 400 not JSON', async () => {
    const transfer = steps[4]?.curl ?? '';
    const token = /Bearer ([\w.-]+)/.exec(transfer)?.[1] ?? '';
    const url = shellWords(transfer).at(-1) ?? '';
    const post = (body: string) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
    const unknown = await post(
      JSON.stringify({ from: 'checking', to: 'brokerage', amountCents: 1 }),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown_account' });
    const tooMuch = await post(
      JSON.stringify({ from: 'checking', to: 'savings', amountCents: 9_999_999 }),
    );
    expect(tooMuch.status).toBe(422);
    expect(await tooMuch.json()).toEqual({ error: 'insufficient_funds' });
    const notJson = await post('{"from": "checking",');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toBe('invalid_body');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = once(demo, 'exit');
    demo.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM: stopping the demo.');
  });
});

describe('npm run demo', () => {
  it(
    'stops quietly with status 0 on Ctrl+C (SIGINT to the whole process group)',
    async () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: '0',
        TSX_TSCONFIG_PATH: `${root}tsconfig.test.json`,
      };
      delete env['DATABASE_URL'];
      // As a terminal runs it: its own process group, which Ctrl+C signals as a whole.
      const npm = spawn('npm', ['run', 'demo', '--', '--no-setup'], {
        cwd: root,
        env,
        detached: true,
      });
      let text = '';
      npm.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      npm.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      const exited = once(npm, 'exit');
      try {
        await expect
          .poll(() => text, { timeout: STARTUP_MS, interval: 200 })
          .toContain('Press Ctrl+C to stop.');
        process.kill(-(npm.pid ?? 0), 'SIGINT');
        const [code, signal] = await exited;
        expect({ code, signal }).toEqual({ code: 0, signal: null });
        expect(text).toContain('SIGINT: stopping the demo.');
        expect(text).not.toMatch(/ERR_PNPM|npm error|ELIFECYCLE/);
      } finally {
        if (npm.exitCode === null) process.kill(-(npm.pid ?? 0), 'SIGKILL');
      }
    },
    STARTUP_MS + 30_000,
  );
});
