import { Role } from './roles';

/** How a caller proved who it is. */
export type CredentialKind = 'user' | 'api_key' | 'oidc';

/** The authenticated caller of a request, as the gateway's guard attaches it. */
export interface Identity {
  kind: CredentialKind;
  /** Stable id: user id, API key id, or the OIDC subject. */
  id: string;
  /** Display name: username, API key name, or the OIDC subject/username claim. */
  name: string;
  role: Role;
  /** Refresh-token family (session) of a user's access token. */
  sessionId?: string;
}

/** Key for per-identity limits and audit lines. */
export function identityKey(identity: Pick<Identity, 'kind' | 'id'>): string {
  return `${identity.kind}:${identity.id}`;
}
