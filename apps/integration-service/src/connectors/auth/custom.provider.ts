import { AuthConfigDto, AuthType, FieldError } from '@app/contracts';
import { OutboundHttpRequest, OutboundTlsOptions } from '../http/outbound-http';
import { AuthApplyContext, AuthProvider } from './auth-provider';

/** A provider plugged in from code, chosen per integration by `auth.custom.provider`. */
export type CustomAuthImplementation = Omit<AuthProvider, 'type'>;

/** CUSTOM auth: delegates to the implementation registered under `auth.custom.provider`. */
export class CustomAuthProvider implements AuthProvider {
  readonly type = AuthType.CUSTOM;
  private readonly impls = new Map<string, CustomAuthImplementation>();

  register(name: string, impl: CustomAuthImplementation): void {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new Error(`Invalid custom auth provider name: ${name}`);
    this.impls.set(name, impl);
  }

  names(): string[] {
    return [...this.impls.keys()].sort();
  }

  validate(auth: AuthConfigDto): FieldError[] {
    const name = auth.custom?.provider;
    if (typeof name !== 'string' || !name) {
      return [{ field: 'custom.provider', message: 'custom.provider is required for CUSTOM auth' }];
    }
    const impl = this.impls.get(name);
    if (!impl) {
      return [{ field: 'custom.provider', message: `unknown custom auth provider "${name}" (known: ${this.names().join(', ') || 'none'})` }];
    }
    return impl.validate(auth);
  }

  async apply(req: OutboundHttpRequest, ctx: AuthApplyContext): Promise<OutboundHttpRequest> {
    return this.resolve(ctx.auth).apply(req, ctx);
  }

  tlsOptions(auth: AuthConfigDto): OutboundTlsOptions | undefined {
    return this.resolve(auth).tlsOptions?.(auth);
  }

  private resolve(auth: AuthConfigDto): CustomAuthImplementation {
    const name = auth.custom?.provider;
    const impl = typeof name === 'string' ? this.impls.get(name) : undefined;
    if (!impl) throw new Error(`Unknown custom auth provider "${String(name)}"`);
    return impl;
  }
}
