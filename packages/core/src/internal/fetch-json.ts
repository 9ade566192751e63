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

/**
 * The `fetch` Gatehouse calls for discovery and keys: the global one, or the user's (undici's
 * `fetch` with a `ProxyAgent` dispatcher, a custom CA, mTLS to the issuer…).
 */
export type FetchLike = (
  url: string,
  init: {
    method: 'GET' | 'POST';
    redirect: 'manual';
    signal: AbortSignal;
    headers: Record<string, string>;
    body?: URLSearchParams;
  },
) => Promise<FetchResponse>;

/** What Gatehouse reads of a response: the global `Response`, undici's, or any look-alike. */
export interface FetchResponse {
  readonly status: number;
  readonly redirected: boolean;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface FetchJsonOptions {
  /** Default: the global `fetch`. */
  fetch?: FetchLike | undefined;
  /** Aborts the request and the body read (one budget shared by the caller's requests). */
  signal: AbortSignal;
  /** The budget behind `signal`, only to describe a timeout. */
  timeoutMs: number;
  maxBytes: number;
  allowInsecureRequests: boolean;
  /** Send a form POST instead of a GET (token introspection, RFC 7662 §2.1). */
  post?: { form: URLSearchParams; headers?: Record<string, string> };
  /** Ask for this media type and give the body as text, unparsed (RFC 9701 JWT answers). */
  text?: string;
}

export interface JsonResponse {
  body: unknown;
  headers: FetchResponse['headers'];
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
 * GET (or, with `post`, a form POST to) `url` as JSON within the caller's budget and size cap.
 * Rejects with `FetchFailure` only, whose `url` is this one.
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
  let response: FetchResponse;
  try {
    const request = (options.fetch ?? fetch)(url, {
      method: options.post ? 'POST' : 'GET',
      redirect: 'manual',
      signal: options.signal,
      headers: { accept: options.text ?? 'application/json', ...options.post?.headers },
      ...(options.post ? { body: options.post.form } : {}),
    });
    // A user's fetch may ignore the signal: the budget holds regardless.
    response = await withinBudget(request, options.signal);
  } catch (error) {
    throw transportFailure(error, options);
  }
  if (!isResponse(response)) throw new FetchFailure('fetch did not return a Response');
  // A user's fetch may follow redirects despite `redirect: 'manual'`: refuse what it followed.
  if (response.redirected || (response.url !== '' && response.url !== new URL(url).href)) {
    discard(response);
    throw new FetchFailure('redirect refused (followed by fetch)', response.status);
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
  if (options.text !== undefined) return { body: text, headers: response.headers };
  try {
    return { body: JSON.parse(text), headers: response.headers };
  } catch {
    throw new FetchFailure('invalid JSON', response.status);
  }
}

async function readCapped(response: FetchResponse, options: FetchJsonOptions): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await withinBudget(reader.read(), options.signal);
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
    reader.cancel().catch(() => {});
    throw transportFailure(error, options);
  }
  return text + decoder.decode();
}

/** `promise`, or a rejection as soon as `signal` aborts, whichever comes first. */
function withinBudget<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** Duck-typed: a user's fetch may come from another realm or another undici copy. */
function isResponse(value: unknown): value is FetchResponse {
  const response = value as Partial<FetchResponse> | null;
  return (
    typeof response?.status === 'number' &&
    typeof response.headers?.get === 'function' &&
    response.body !== undefined
  );
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
function discard(response: FetchResponse): void {
  response.body?.cancel().catch(() => {});
}
