import { createPrivateKey, X509Certificate } from 'node:crypto';
import { AuthConfigDto, AuthType, FieldError } from '@app/contracts';
import { OutboundHttpRequest, OutboundTlsOptions } from '../http/outbound-http';
import { AuthProvider, requireFields } from './auth-provider';

/** Mutual TLS: the client certificate goes into the TLS handshake, not into the request. */
export class CertificateAuthProvider implements AuthProvider {
  readonly type = AuthType.CERTIFICATE;

  validate(auth: AuthConfigDto): FieldError[] {
    const errors = requireFields(auth, ['certificate', 'private_key'], 'CERTIFICATE auth');
    // Parse now so a pasted-wrong PEM is reported on save, not on the first delivery.
    if (auth.certificate) {
      try {
        new X509Certificate(auth.certificate);
      } catch {
        errors.push({ field: 'certificate', message: 'certificate must be a PEM X.509 certificate' });
      }
    }
    if (auth.private_key) {
      try {
        createPrivateKey({ key: auth.private_key, passphrase: auth.passphrase });
      } catch {
        errors.push({ field: 'private_key', message: 'private_key must be a PEM private key (check the passphrase)' });
      }
    }
    if (auth.ca) {
      try {
        new X509Certificate(auth.ca);
      } catch {
        errors.push({ field: 'ca', message: 'ca must be PEM X.509 certificates' });
      }
    }
    return errors;
  }

  async apply(req: OutboundHttpRequest): Promise<OutboundHttpRequest> {
    return req;
  }

  tlsOptions(auth: AuthConfigDto): OutboundTlsOptions {
    return { cert: auth.certificate, key: auth.private_key, passphrase: auth.passphrase, ca: auth.ca };
  }
}
