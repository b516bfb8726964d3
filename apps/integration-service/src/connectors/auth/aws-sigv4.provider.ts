import { createHash, createHmac, Hash, Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { AuthConfigDto, AuthType, FieldError } from '@app/contracts';
import { OutboundHttpRequest } from '../http/outbound-http';
import { AuthApplyContext, AuthProvider, requireFields } from './auth-provider';

/** The SHA-256 (and HMAC-SHA-256 when given a key) the signer needs, on node:crypto. */
export class NodeSha256 implements Checksum {
  private h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.make();
  }
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.make();
  }
  private make(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as ArrayBuffer);
    return createHmac('sha256', key);
  }
}

/** AWS Signature Version 4 (header form) for API Gateway, Lambda URLs, OpenSearch and the like. */
export class AwsSigV4AuthProvider implements AuthProvider {
  readonly type = AuthType.AWS_SIG_V4;

  validate(auth: AuthConfigDto): FieldError[] {
    return requireFields(auth, ['access_key_id', 'secret_access_key', 'service', 'region'], 'AWS_SIG_V4 auth');
  }

  async apply(req: OutboundHttpRequest, { auth, now }: AuthApplyContext): Promise<OutboundHttpRequest> {
    const url = new URL(req.url);
    const signer = new SignatureV4({
      service: auth.service as string,
      region: auth.region as string,
      credentials: {
        accessKeyId: auth.access_key_id as string,
        secretAccessKey: auth.secret_access_key as string,
        ...(auth.session_token ? { sessionToken: auth.session_token } : {}),
      },
      sha256: NodeSha256,
      // S3 signs the path as sent; every other service signs it URI-encoded once more.
      uriEscapePath: auth.service !== 's3',
    });
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
    }
    // Sign exactly what will be sent: the host header and the final body bytes.
    const headers: Record<string, string> = { ...req.headers, host: url.host };
    const signed = await signer.sign(
      {
        method: req.method.toUpperCase(),
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query,
        headers,
        body: req.body,
      },
      { signingDate: new Date((now ?? Date.now)()) },
    );
    // undici sets `host` itself from the URL; passing it along as well would duplicate it.
    const { host: _host, ...out } = signed.headers;
    return { ...req, headers: out };
  }
}
