import { createHmac, randomBytes } from 'node:crypto';
import { AuthConfigDto, AuthType, FieldError } from '@app/contracts';
import { OutboundHttpRequest } from '../http/outbound-http';
import { AuthApplyContext, AuthProvider, requireFields, withHeaders } from './auth-provider';

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires (encodeURIComponent leaves !'()* alone). */
export function oauthPercentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `application/x-www-form-urlencoded` decoding ('+' is a space), as §3.4.1.3.1 reads query and body. */
function decodeForm(s: string): Array<[string, string]> {
  if (!s) return [];
  return s
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      const [k, v] = i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
      const dec = (x: string) => decodeURIComponent(x.replace(/\+/g, ' '));
      return [dec(k), dec(v)];
    });
}

export interface OAuth1SignInput {
  method: string;
  url: string;
  /** Form body parameters (only when the body is application/x-www-form-urlencoded). */
  formBody?: string;
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  nonce: string;
  timestamp: string;
  realm?: string;
}

/** §3.4.1 signature base string. */
export function oauth1BaseString(input: OAuth1SignInput, oauthParams: Record<string, string>): string {
  const url = new URL(input.url);
  const defaultPort = (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443');
  const baseUri = `${url.protocol}//${url.hostname.toLowerCase()}${url.port && !defaultPort ? ':' + url.port : ''}${url.pathname}`;
  const params: Array<[string, string]> = [
    ...decodeForm(url.search.replace(/^\?/, '')),
    ...decodeForm(input.formBody ?? ''),
    ...Object.entries(oauthParams),
  ];
  const normalized = params
    .map(([k, v]) => [oauthPercentEncode(k), oauthPercentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [input.method.toUpperCase(), oauthPercentEncode(baseUri), oauthPercentEncode(normalized)].join('&');
}

/** Signs with HMAC-SHA1 (RFC 5849 §3.4.2) and returns the `Authorization` header value plus the pieces. */
export function signOAuth1(input: OAuth1SignInput): { header: string; signature: string; baseString: string } {
  const oauth: Record<string, string> = {
    oauth_consumer_key: input.consumerKey,
    oauth_nonce: input.nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: input.timestamp,
    ...(input.token ? { oauth_token: input.token } : {}),
    oauth_version: '1.0',
  };
  const baseString = oauth1BaseString(input, oauth);
  const key = `${oauthPercentEncode(input.consumerSecret)}&${oauthPercentEncode(input.tokenSecret ?? '')}`;
  const signature = createHmac('sha1', key).update(baseString).digest('base64');
  const fields = { ...oauth, oauth_signature: signature };
  const header =
    'OAuth ' +
    [
      ...(input.realm !== undefined ? [`realm="${oauthPercentEncode(input.realm)}"`] : []),
      ...Object.entries(fields).map(([k, v]) => `${oauthPercentEncode(k)}="${oauthPercentEncode(v)}"`),
    ].join(', ');
  return { header, signature, baseString };
}

/** OAuth 1.0a (RFC 5849) HMAC-SHA1 with consumer key/secret and access token/secret. */
export class OAuth1AuthProvider implements AuthProvider {
  readonly type = AuthType.OAUTH1;

  validate(auth: AuthConfigDto): FieldError[] {
    return requireFields(auth, ['consumer_key', 'consumer_secret'], 'OAUTH1 auth');
  }

  async apply(req: OutboundHttpRequest, { auth, now }: AuthApplyContext): Promise<OutboundHttpRequest> {
    const contentType = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    // Only form bodies take part in the signature (§3.4.1.3.1); JSON bodies do not.
    const formBody = contentType.toLowerCase().startsWith('application/x-www-form-urlencoded') && req.body !== undefined
      ? req.body.toString()
      : undefined;
    const { header } = signOAuth1({
      method: req.method,
      url: req.url,
      formBody,
      consumerKey: auth.consumer_key as string,
      consumerSecret: auth.consumer_secret as string,
      token: auth.token,
      tokenSecret: auth.token_secret,
      nonce: randomBytes(16).toString('hex'),
      timestamp: String(Math.floor((now ?? Date.now)() / 1000)),
    });
    return withHeaders(req, { authorization: header });
  }
}
