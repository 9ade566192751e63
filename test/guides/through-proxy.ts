import type { VerifierOptions } from '@gatehouse/core';
import { ProxyAgent, fetch as undiciFetch } from 'undici';

export function throughProxy(options: VerifierOptions, proxyUrl: string): VerifierOptions {
  // e.g. proxyUrl = process.env.HTTPS_PROXY; an Agent({ connect: { ca } }) trusts a private CA
  const dispatcher = new ProxyAgent(proxyUrl);
  return {
    ...options,
    keyFetch: {
      ...options.keyFetch,
      fetch: (url, init) => undiciFetch(url, { ...init, dispatcher }),
    },
  };
}
