import { clientAssertion } from './client-assertion.js';
import type { IntrospectionSettings } from './options.js';

/**
 * The introspection request for `token` (RFC 7662 §2.1): form parameters and the client
 * authentication header. `client_secret_basic` encodes id and secret with
 * `application/x-www-form-urlencoded` before Base64, as RFC 6749 §2.3.1 requires (a secret with
 * `:` or `%` would otherwise be mangled); `client_secret_post` sends them in the form; `private_key_jwt` a fresh signed assertion
 * (RFC 7523 §2.2).
 *
 * Does not: send `token_type_hint` other than `access_token`; put the token anywhere but the
 * POST body.
 */
export function introspectionRequest(
  settings: Pick<
    IntrospectionSettings,
    'clientAuth' | 'clientId' | 'clientSecret' | 'assertion' | 'issuer'
  >,
  token: string,
): { form: URLSearchParams; headers: Record<string, string> } {
  const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
  if (settings.clientAuth === 'private_key_jwt' && settings.assertion) {
    form.set('client_id', settings.clientId);
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set(
      'client_assertion',
      clientAssertion({
        ...settings.assertion,
        clientId: settings.clientId,
        audience: settings.issuer,
      }),
    );
    return { form, headers: {} };
  }
  if (settings.clientAuth === 'client_secret_post') {
    form.set('client_id', settings.clientId);
    form.set('client_secret', settings.clientSecret);
    return { form, headers: {} };
  }
  const credentials = `${formEncode(settings.clientId)}:${formEncode(settings.clientSecret)}`;
  return {
    form,
    headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
  };
}

const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
