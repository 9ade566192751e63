import { describe, expect, it } from 'vitest';
import { issuerHint } from '../src/internal/issuer-hint.js';

// Issuer identifiers are compared character for character (OIDC Discovery §4.3, RFC 9068 §4):
// each near miss below refuses every token, so the log line names what differs.
describe('issuerHint', () => {
  it.each([
    ['https://as.example/', 'https://as.example', 'a trailing slash'],
    ['https://as.example/realms/x', 'https://as.example/realms/x/', 'a trailing slash'],
    ['http://as.example', 'https://as.example', 'the scheme (http: vs https:)'],
    ['http://127.0.0.1:8080', 'http://localhost:8080', 'the host name'],
    ['http://[::1]:8080', 'http://127.0.0.1:8080', 'the host name'],
    ['https://as.example:8443', 'https://as.example', 'the port'],
    ['https://as.example/Realms/X', 'https://as.example/realms/x', 'letter case'],
    ['HTTPS://AS.EXAMPLE', 'https://as.example', 'letter case'],
    ['http://127.0.0.1:8080/', 'http://localhost:8080', 'a trailing slash and the host name'],
  ])('%s vs configured %s: %s', (actual, configured, phrase) => {
    const hint = issuerHint(actual, ['https://other.example', configured]) ?? '';
    const prefix = `It differs from the configured "${configured}" only in ${phrase}`;
    expect(hint.startsWith(prefix)).toBe(true);
    // Nothing else is listed after the expected differences: an explanation or the full stop.
    expect(hint.slice(prefix.length)).toMatch(/^(\.| \(localhost.*\)\.)$/);
  });

  it.each([
    ['https://evil.example', 'https://as.example'],
    ['https://as.example/realms/a', 'https://as.example/realms/b'],
    ['http://10.0.0.1:8080', 'http://localhost:8080'],
    ['not a url', 'https://as.example'],
    ['https://as.example?x=1', 'https://as.example'],
  ])('%s vs %s: no hint (a different issuer, not a near miss)', (actual, configured) => {
    expect(issuerHint(actual, [configured])).toBeUndefined();
  });
});
