import { Writable } from 'node:stream';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOG_REPEAT_MS, type Logger } from '../src/logging.js';
import { createVerifier } from '../src/verify.js';

type Level = 'error' | 'warn' | 'info' | 'debug';
interface Line {
  level: Level;
  message: string;
  fields: Record<string, unknown>;
}

/** A console-shaped logger (no `child`): called as `logger.warn(message, fields)`. */
function capture(): Logger & { lines: Line[]; at(level: Level): Line[] } {
  const lines: Line[] = [];
  const method = (level: Level) => (message: unknown, fields: unknown) => {
    lines.push({ level, message: String(message), fields: fields as Record<string, unknown> });
  };
  return {
    lines,
    at: (level) => lines.filter((line) => line.level === level),
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
  };
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());
afterEach(() => {
  vi.useRealTimers();
});

/** `count` requests with one token to a verifier configured with `configured` as its issuer. */
async function refuseWith(configured: string, logger: Logger, count = 1, token?: string) {
  const verifier = createVerifier({ issuer: configured, audience: issuer.audience, logger });
  const presented = token ?? (await issuer.mint());
  for (let i = 0; i < count; i++) {
    await expect(verifier.verify(presented)).rejects.toMatchObject({ reason: 'issuer_mismatch' });
  }
  return presented;
}

describe('logger: an untrusted issuer is one warning naming both values and the fix', () => {
  it('a typo: names the token issuer and the configured one, no hint', async () => {
    const logger = capture();
    const token = await refuseWith(`${issuer.url}/oauth`, logger, 5);
    const [line, ...more] = logger.at('warn');
    expect(more).toHaveLength(0);
    expect(line?.message).toContain(`issuer "${issuer.url}"`);
    expect(line?.message).toContain(`configured: "${issuer.url}/oauth"`);
    expect(line?.message).toContain('Fix: ');
    expect(line?.message).toContain('set the `issuer` option to exactly that value');
    expect(line?.fields).toMatchObject({
      event: 'gatehouse.issuer_mismatch',
      tokenIssuer: issuer.url,
      expectedIssuers: [`${issuer.url}/oauth`],
    });
    expect(line?.fields['hint']).toBeUndefined();
    expect(JSON.stringify(logger.lines)).not.toContain(token);
  });

  it('a trailing slash on the configured issuer: says so', async () => {
    const logger = capture();
    await refuseWith(`${issuer.url}/`, logger);
    const [line] = logger.at('warn');
    expect(line?.message).toContain(
      `differs from the configured "${issuer.url}/" only in a trailing slash`,
    );
  });

  it('a trailing slash on the token issuer: says so', async () => {
    const logger = capture();
    await refuseWith(issuer.url, logger, 1, await issuer.mint({ iss: `${issuer.url}/` }));
    expect(logger.at('warn')[0]?.message).toContain('only in a trailing slash');
  });

  it('localhost configured, 127.0.0.1 in the token: names the host alias', async () => {
    const logger = capture();
    await refuseWith(issuer.url.replace('127.0.0.1', 'localhost'), logger);
    const [line] = logger.at('warn');
    expect(line?.message).toContain('only in the host name (localhost, 127.0.0.1 and [::1]');
    expect(line?.fields['hint']).toContain('host name');
  });

  it('https configured, http in the token: names the scheme', async () => {
    const logger = capture();
    await refuseWith(issuer.url.replace('http:', 'https:'), logger);
    expect(logger.at('warn')[0]?.message).toContain('only in the scheme (http: vs https:)');
  });

  it('shows an untrusted iss bounded and without control characters (no forged log lines)', async () => {
    const logger = capture();
    const hostile = `https://evil.example/\n[gatehouse] all good\u2028${'x'.repeat(500)}`;
    await refuseWith(issuer.url, logger, 1, await issuer.mint({ iss: hostile }));
    const [line] = logger.at('warn');
    expect(line?.message).not.toMatch(/[\n\r\u2028]/);
    expect(String(line?.fields['tokenIssuer']).length).toBeLessThanOrEqual(201);
    expect(line?.fields['tokenIssuer']).toMatch(/^https:\/\/evil\.example\/\?\[gatehouse\]/);
  });

  it('a flood of distinct iss values yields at most 20 warnings a minute', async () => {
    const logger = capture();
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience, logger });
    for (let i = 0; i < 60; i++) {
      const token = await issuer.mint({ iss: `https://flood-${i}.example` });
      await verifier.verify(token).catch(() => {});
    }
    expect(logger.at('warn')).toHaveLength(20);
    expect(logger.at('debug')).toHaveLength(60);
  });
});

describe('logger: rate limit and per-request lines', () => {
  it('logs a cause once, then again after a minute with the count left out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const logger = capture();
    const verifier = createVerifier({
      issuer: `${issuer.url}/rate`,
      audience: issuer.audience,
      logger,
    });
    const token = await issuer.mint();
    for (let i = 0; i < 10; i++) await verifier.verify(token).catch(() => {});
    expect(logger.at('warn')).toHaveLength(1);
    vi.setSystemTime(Date.now() + LOG_REPEAT_MS + 1);
    await verifier.verify(token).catch(() => {});
    const warnings = logger.at('warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.message).toContain('(9 more since the last such message)');
    expect(warnings[1]?.fields['repeated']).toBe(9);
  });

  it('logs every refusal at debug with code and reason, never the token or claims', async () => {
    const logger = capture();
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience, logger });
    const expired = await issuer.mint({
      exp: Math.floor(Date.now() / 1000) - 60,
      sub: 'secret-subject',
    });
    await verifier.verify(expired).catch(() => {});
    await verifier.authenticate('Bearer a b').catch(() => {});
    expect(logger.at('debug').map((line) => line.fields)).toEqual(
      expect.arrayContaining([
        { event: 'gatehouse.token_rejected', code: 'invalid_token', reason: 'expired' },
        { event: 'gatehouse.token_rejected', code: 'invalid_request', reason: 'malformed_header' },
      ]),
    );
    const all = JSON.stringify(logger.lines);
    expect(all).not.toContain(expired);
    expect(all).not.toContain(expired.split('.')[1]);
    expect(all).not.toContain('secret-subject');
  });

  it('a throwing logger never changes the outcome', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      logger: {
        warn: () => {
          throw new Error('logger bug');
        },
        debug: () => {
          throw new Error('logger bug');
        },
      },
    });
    await expect(verifier.verify(await issuer.mint())).resolves.toBeDefined();
    await expect(
      verifier.verify(await issuer.mint({ iss: 'https://x.example' })),
    ).rejects.toMatchObject({ reason: 'issuer_mismatch' });
  });
});

describe('logger: keys that cannot be had', () => {
  it('issuer unreachable: one error naming the URL, ECONNREFUSED and the fix', async () => {
    const gone = await createTestIssuer();
    const token = await gone.mint();
    await gone.close();
    const logger = capture();
    const verifier = createVerifier({ issuer: gone.url, audience: gone.audience, logger });
    for (let i = 0; i < 3; i++) {
      await expect(verifier.verify(token)).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
    }
    const [line, ...more] = logger.at('error');
    expect(more).toHaveLength(0);
    expect(line?.message).toContain(
      `GET ${gone.url}/.well-known/openid-configuration failed: discovery: network error (ECONNREFUSED)`,
    );
    expect(line?.message).toContain('answered 503');
    expect(line?.message).toContain(
      'Fix: nothing accepts connections there: check the host and port',
    );
    expect(line?.fields).toMatchObject({ event: 'gatehouse.keys_unavailable', issuer: gone.url });
    expect(logger.at('debug')).toContainEqual(
      expect.objectContaining({
        fields: expect.objectContaining({
          reason: 'keys_unavailable',
          detail: 'discovery: network error (ECONNREFUSED)',
        }),
      }),
    );
  });

  it('discovery names another issuer (trailing slash in config and tokens): says which to configure', async () => {
    const logger = capture();
    const configured = `${issuer.url}/`;
    const verifier = createVerifier({ issuer: configured, audience: issuer.audience, logger });
    await expect(verifier.verify(await issuer.mint({ iss: configured }))).rejects.toMatchObject({
      code: 'temporarily_unavailable',
    });
    const [line] = logger.at('error');
    expect(line?.message).toContain(`the discovery document says the issuer is "${issuer.url}"`);
    expect(line?.message).toContain('only in a trailing slash');
    expect(line?.message).toContain('set `issuer` to exactly that value');
  });

  it('slow issuer: names the timeout and the option', async () => {
    const slow = await createTestIssuer();
    try {
      slow.setFault({ type: 'slow', ms: 2_000 });
      const logger = capture();
      const verifier = createVerifier({
        issuer: slow.url,
        audience: slow.audience,
        keyFetch: { timeout: 0.2 },
        logger,
      });
      await expect(verifier.verify(await slow.mint())).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
      expect(logger.at('error')[0]?.message).toContain(
        'no complete answer within keyFetch.timeout (200 ms)',
      );
    } finally {
      await slow.close();
    }
  });

  it('logs the recovery once the keys can be fetched again', async () => {
    const flaky = await createTestIssuer();
    try {
      const logger = capture();
      const verifier = createVerifier({
        issuer: flaky.url,
        audience: flaky.audience,
        keyFetch: { cooldown: 0.05 },
        logger,
      });
      flaky.setFault({ type: 'status', status: 503 });
      const token = await flaky.mint();
      await expect(verifier.verify(token)).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
      expect(logger.at('error')[0]?.message).toContain('the issuer answers with a server error');
      flaky.setFault(null);
      await vi.waitFor(() => expect(verifier.verify(token)).resolves.toBeDefined(), {
        timeout: 5_000,
        interval: 60,
      });
      const [recovered] = logger.at('info');
      expect(recovered?.message).toContain(`signing keys of issuer "${flaky.url}" again after`);
      expect(recovered?.fields['event']).toBe('gatehouse.keys_recovered');
    } finally {
      await flaky.close();
    }
  });
});

describe('logger: pino and configuration warnings', () => {
  it('calls pino as pino: fields first, message second', async () => {
    const records: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        records.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = pino({ level: 'warn' }, stream);
    await refuseWith(issuer.url.replace('127.0.0.1', 'localhost'), logger);
    await vi.waitFor(() => expect(records).toHaveLength(1));
    expect(records[0]).toMatchObject({
      level: 40,
      event: 'gatehouse.issuer_mismatch',
      tokenIssuer: issuer.url,
      msg: expect.stringContaining('only in the host name'),
    });
  });

  it('warns once per cause about options that work but are probably not meant', () => {
    const logger = capture();
    const options = {
      issuer: issuer.url,
      audience: issuer.audience,
      allowInsecureRequests: true,
      clockTolerance: '1h',
      logger,
    };
    createVerifier(options);
    createVerifier(options);
    expect(logger.at('warn').map((line) => line.fields['option'])).toEqual([
      'allowInsecureRequests',
      'clockTolerance',
    ]);
    expect(logger.at('warn')[1]?.message).toContain('tokens are accepted 3600 s after they expire');
  });

  it('rejects a logger without any level method, naming the option', () => {
    expect(() =>
      createVerifier({ issuer: issuer.url, audience: issuer.audience, logger: {} as Logger }),
    ).toThrow(/logger: must be a logger/);
  });
});
