import type { DemoClient, DemoTokens } from './issuer.js';

/** One ready-to-paste request of the printed guide, and what it should answer. */
export interface GuideStep {
  title: string;
  /** The status the API answers, then what to look at. */
  expect: string;
  curl: string;
}

export interface GuideInput {
  apiUrl: string;
  issuerUrl: string;
  tokenEndpoint: string;
  database: string;
  tokens: DemoTokens;
  client: DemoClient;
}

// Tokens, secrets and JSON bodies contain no single quote, so single quoting is enough for
// POSIX shells.
const quote = (value: string) => `'${value}'`;
const bearer = (token: string) => `-H ${quote(`Authorization: Bearer ${token}`)}`;
const jsonBody = (body: unknown) =>
  `-H 'Content-Type: application/json' -d ${quote(JSON.stringify(body))}`;

/** The requests the demo suggests, in an order that tells the story. */
export function guideSteps({ apiUrl, tokenEndpoint, tokens, client }: GuideInput): GuideStep[] {
  const api = (path: string) => `${apiUrl}${path}`;
  return [
    {
      title: 'Public health check, no token',
      expect: '200 {"status":"ok","database":"..."}',
      curl: `curl -s -i ${api('/health')}`,
    },
    {
      title: 'Who am I? Alice, scopes accounts:read transfers:write',
      expect: '200 her local user row, created now on first sight (just-in-time provisioning)',
      curl: `curl -s -i ${bearer(tokens.user)} ${api('/me')}`,
    },
    {
      title: 'Who am I? Alice again, with a token that has no scope',
      expect: '200 the same user row (same id): provisioned once, then reused',
      curl: `curl -s -i ${bearer(tokens.noScope)} ${api('/me')}`,
    },
    {
      title: "Alice's accounts (needs accounts:read)",
      expect: '200 her checking and savings accounts',
      curl: `curl -s -i ${bearer(tokens.user)} ${api('/accounts')}`,
    },
    {
      title: 'A transfer (needs transfers:write)',
      expect: '201 the transfer; /accounts now shows the new balances',
      curl: `curl -s -i -X POST ${bearer(tokens.user)} ${jsonBody({ from: 'checking', to: 'savings', amountCents: 2500, memo: 'rainy day fund' })} ${api('/transfers')}`,
    },
    {
      title: 'A transfer with a bad body',
      expect: '400 {"error":"invalid_body","problems":[...]}',
      curl: `curl -s -i -X POST ${bearer(tokens.user)} ${jsonBody({ from: 'checking', amountCents: -5 })} ${api('/transfers')}`,
    },
    {
      title: 'Accounts with the token that has no scope',
      expect: '403 WWW-Authenticate: Bearer error="insufficient_scope", scope="accounts:read"',
      curl: `curl -s -i ${bearer(tokens.noScope)} ${api('/accounts')}`,
    },
    {
      title: 'An expired token',
      expect: '401 WWW-Authenticate: Bearer error="invalid_token", error_description="..."',
      curl: `curl -s -i ${bearer(tokens.expired)} ${api('/me')}`,
    },
    {
      title: 'No token at all',
      expect: '401 WWW-Authenticate: Bearer (no error code: RFC 6750 §3.1)',
      curl: `curl -s -i ${api('/me')}`,
    },
    {
      title: `A machine token: ${client.clientId} asks the issuer's token endpoint (client credentials)`,
      expect:
        '200 {"access_token":"...","token_type":"Bearer","expires_in":600,"scope":"accounts:read"}',
      curl: `curl -s -i -u ${quote(`${client.clientId}:${client.clientSecret}`)} -d grant_type=client_credentials -d scope=${client.scope} ${tokenEndpoint}`,
    },
    {
      title: 'Who am I? The machine client (token obtained as above)',
      expect:
        '200 {"kind":"client","clientId":"demo-reporting",...}: no end user, nothing provisioned',
      curl: `curl -s -i ${bearer(tokens.client)} ${api('/me')}`,
    },
    {
      title: 'The machine client reads accounts (it has accounts:read)',
      expect: '200 every account: a back-office view',
      curl: `curl -s -i ${bearer(tokens.client)} ${api('/accounts')}`,
    },
    {
      title: 'The machine client tries a transfer (it lacks transfers:write)',
      expect: '403 WWW-Authenticate: Bearer error="insufficient_scope", scope="transfers:write"',
      curl: `curl -s -i -X POST ${bearer(tokens.client)} ${jsonBody({ from: 'checking', to: 'savings', amountCents: 100 })} ${api('/transfers')}`,
    },
  ];
}

/** The console text: where things run, then each step as `# n. title → expect` and its curl. */
export function renderGuide(input: GuideInput): string {
  const lines = [
    '',
    'Gatehouse demo: an accounts API protected by OAuth 2.0 bearer tokens',
    '',
    `  API       ${input.apiUrl}   (Express 5 + @gatehouse/express)`,
    `  Issuer    ${input.issuerUrl}   (in-process, @gatehouse/testing: discovery, JWKS, token endpoint)`,
    `  Database  ${input.database}`,
    '',
    'Paste these into another terminal. The tokens are real JWTs signed by the local demo issuer;',
    'all but the expired one are valid for 10 minutes (restart for fresh ones). They open nothing',
    'but this demo.',
    '',
  ];
  guideSteps(input).forEach((step, index) => {
    lines.push(`# ${index + 1}. ${step.title}`, `#    → ${step.expect}`, step.curl, '');
  });
  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}
