import { describe, expect, it } from 'vitest';
import { createAuthHandler, credentialsOf } from '../src/adapter.js';
import { GatehouseConfigError } from '../src/index.js';

const base = { issuer: 'https://as.example.test', audience: 'https://api.example.test' };
const node = (headers: Record<string, string | string[]>, url = '/things') => ({
  rawHeaders: Object.entries(headers).flatMap(([name, value]) =>
    [value].flat().flatMap((one) => [name, one]),
  ),
  url,
});

describe('credentialsOf (the `token` adapter option)', () => {
  it('reads only Authorization without locations, from Node and Fetch requests alike', () => {
    const headers = { Authorization: 'Bearer a', Cookie: 'at=b', 'X-Access-Token': 'c' };
    expect(credentialsOf(node(headers, '/?access_token=d'), undefined)).toBe('Bearer a');
    const request = new Request('https://api.example.test/?access_token=d', { headers });
    expect(credentialsOf(request, undefined)).toBe('Bearer a');
    expect(credentialsOf(node({}), undefined)).toBeUndefined();
  });

  it('collects every credential, so that two of them are refused (RFC 6750 §2)', () => {
    const all = { cookie: 'at', header: 'x-access-token', query: true };
    const headers = { Authorization: 'Bearer a', Cookie: 'x=1; at="b"', 'X-Access-Token': 'c' };
    expect(credentialsOf(node(headers, '/?access_token=d'), all)).toEqual([
      'Bearer a',
      'Bearer c',
      'Bearer b',
      'Bearer d',
    ]);
    const request = new Request('https://api.example.test/?access_token=d', { headers });
    expect(credentialsOf(request, all)).toEqual(['Bearer a', 'Bearer c', 'Bearer b', 'Bearer d']);
  });

  it('takes a custom header bare or with its Bearer scheme; empty values are none', () => {
    const locations = { header: 'x-access-token', cookie: 'at' };
    expect(credentialsOf(node({ 'X-Access-Token': 'Bearer t' }), locations)).toBe('Bearer t');
    expect(
      credentialsOf(node({ 'X-Access-Token': ' ', Cookie: 'at=' }), locations),
    ).toBeUndefined();
    expect(credentialsOf(node({ Cookie: 'at=t; at=u' }), locations)).toEqual([
      'Bearer t',
      'Bearer u',
    ]);
    expect(credentialsOf(node({ Cookie: 'other_at=t' }), locations)).toBeUndefined();
  });

  it('refuses bad locations at construction, naming the option', () => {
    const bad = [
      { cookie: 'has space' },
      { header: 'Authorization' },
      { query: 'yes' },
      {},
      { cookie: 'at', body: true },
    ];
    for (const token of bad) {
      expect(() => createAuthHandler({ ...base, token } as never)).toThrow(GatehouseConfigError);
      try {
        createAuthHandler({ ...base, token } as never);
      } catch (error) {
        expect((error as GatehouseConfigError).issues[0]?.path).toMatch(/^token/);
      }
    }
  });
});
