import { AuthConfigDto, AuthType, FieldError } from '@app/contracts';
import { OutboundHttpRequest } from '../http/outbound-http';
import { AuthApplyContext, AuthProvider, requireFields, withHeaders } from './auth-provider';

export class NoneAuthProvider implements AuthProvider {
  readonly type = AuthType.NONE;
  validate(): FieldError[] {
    return [];
  }
  async apply(req: OutboundHttpRequest): Promise<OutboundHttpRequest> {
    return req;
  }
}

/** API key in a header (default `X-API-Key`) or a query parameter, name configurable. */
export class ApiKeyAuthProvider implements AuthProvider {
  readonly type = AuthType.API_KEY;
  validate(auth: AuthConfigDto): FieldError[] {
    const errors = requireFields(auth, ['api_key'], 'API_KEY auth');
    if (auth.in !== undefined && auth.in !== 'header' && auth.in !== 'query') {
      errors.push({ field: 'in', message: 'in must be header or query' });
    }
    if (auth.name !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(auth.name)) {
      errors.push({ field: 'name', message: 'name must be a valid header/parameter token' });
    }
    return errors;
  }
  async apply(req: OutboundHttpRequest, { auth }: AuthApplyContext): Promise<OutboundHttpRequest> {
    const name = auth.name || 'X-API-Key';
    const key = auth.api_key ?? '';
    if (auth.in === 'query') {
      const url = new URL(req.url);
      url.searchParams.set(name, key);
      return { ...req, url: url.toString() };
    }
    return withHeaders(req, { [name]: key });
  }
}

export class BasicAuthProvider implements AuthProvider {
  readonly type = AuthType.BASIC;
  validate(auth: AuthConfigDto): FieldError[] {
    const errors = requireFields(auth, ['username', 'password'], 'BASIC auth');
    // RFC 7617: the user-id cannot contain a colon, the password can.
    if (auth.username?.includes(':')) errors.push({ field: 'username', message: 'username cannot contain ":"' });
    return errors;
  }
  async apply(req: OutboundHttpRequest, { auth }: AuthApplyContext): Promise<OutboundHttpRequest> {
    const creds = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
    return withHeaders(req, { authorization: `Basic ${creds}` });
  }
}

export class BearerTokenAuthProvider implements AuthProvider {
  readonly type = AuthType.BEARER_TOKEN;
  validate(auth: AuthConfigDto): FieldError[] {
    return requireFields(auth, ['token'], 'BEARER_TOKEN auth');
  }
  async apply(req: OutboundHttpRequest, { auth }: AuthApplyContext): Promise<OutboundHttpRequest> {
    return withHeaders(req, { authorization: `Bearer ${auth.token}` });
  }
}
