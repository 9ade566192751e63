/**
 * The one bounded HTTP GET behind discovery and JWKS retrieval.
 *
 * Does not: follow redirects (RFC 8414 §3 / OIDC Discovery §4 name exact URLs; a redirect is a
 * failure); read more than `maxBytes` of a body; wait past the caller's `signal`; fetch `http:`
 * URLs other than loopback unless allowed; throw anything but `FetchFailure`.
 */

/** A failed fetch. `detail` is short and safe for logs and events (no body, no stack). */
export class FetchFailure extends Error {
  override readonly name = 'FetchFailure';
  readonly detail: string;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The URL that failed (discovery document or JWKS), for operators' logs. */
  readonly url: string | undefined;
  /** The `issuer` a discovery document named instead of the configured one (bounded). */
  readonly metadataIssuer: string | undefined;

  constructor(
    detail: string,
    status?: number,
    context: { url?: string | undefined; metadataIssuer?: string | undefined } = {},
  ) {
    super(detail);
    this.detail = detail;
    this.status = status;
    this.url = context.url;
    this.metadataIssuer = context.metadataIssuer;
  }
}

export interface FetchJsonOptions {
  /** Aborts the request and the body read (one budget shared by the caller's requests). */
  signal: AbortSignal;
  /** The budget behind `signal`, only to describe a timeout. */
  timeoutMs: number;
  maxBytes: number;
  allowInsecureRequests: boolean;
}

export interface JsonResponse {
  body: unknown;
  headers: Headers;
}

/** 127.0.0.0/8, `localhost` and `[::1]`: hosts whose traffic never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Why `url` may not be fetched, or `undefined` when it may: absolute `https:`, or `http:` for a
 * loopback host or when `allowInsecureRequests` is set.
 */
export function urlProblem(url: string, allowInsecureRequests: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not an absolute URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') return `unsupported scheme ${parsed.protocol}`;
  if (allowInsecureRequests || isLoopbackHost(parsed.hostname)) return undefined;
  return 'http: is only allowed for loopback hosts';
}

/**
 * GET `url` as JSON within the caller's budget and size cap. Rejects with `FetchFailure` only,
 * whose `url` is this one.
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<JsonResponse> {
  try {
    return await fetchJsonFrom(url, options);
  } catch (error) {
    const failure = error as FetchFailure;
    throw new FetchFailure(failure.detail, failure.status, { url });
  }
}

async function fetchJsonFrom(url: string, options: FetchJsonOptions): Promise<JsonResponse> {
  const problem = urlProblem(url, options.allowInsecureRequests);
  if (problem !== undefined) throw new FetchFailure(`refused URL: ${problem}`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: options.signal,
      headers: { accept: 'application/json' },
    });
  } catch (error) {
    throw transportFailure(error, options);
  }
  if (response.status < 200 || response.status > 299) {
    discard(response);
    const redirect = response.status >= 300 && response.status < 400;
    throw new FetchFailure(
      redirect ? `redirect refused (HTTP ${response.status})` : `HTTP ${response.status}`,
      response.status,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > options.maxBytes) {
    discard(response);
    throw new FetchFailure(tooLarge(options.maxBytes), response.status);
  }
  const text = await readCapped(response, options);
  try {
    return { body: JSON.parse(text), headers: response.headers };
  } catch {
    throw new FetchFailure('invalid JSON', response.status);
  }
}

async function readCapped(response: Response, options: FetchJsonOptions): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBytes) {
        reader.cancel().catch(() => {});
        throw new FetchFailure(tooLarge(options.maxBytes), response.status);
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    throw transportFailure(error, options);
  }
  return text + decoder.decode();
}

function transportFailure(error: unknown, options: FetchJsonOptions): FetchFailure {
  if (options.signal.aborted) return new FetchFailure(`timeout after ${options.timeoutMs} ms`);
  // undici puts the system error (ECONNREFUSED, ECONNRESET, …) in `cause`; its code is safe to log.
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new FetchFailure(
    typeof code === 'string' && /^[A-Z_]+$/.test(code)
      ? `network error (${code})`
      : 'network error',
  );
}

function tooLarge(maxBytes: number): string {
  return `body larger than ${maxBytes} bytes`;
}

/** Frees the connection without reading a body we will not use. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}
