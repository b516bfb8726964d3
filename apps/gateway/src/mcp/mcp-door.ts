import { AppConfig } from '@app/config';
import type { IncomingHttpHeaders } from 'node:http';
import { API_KEY_PATTERN } from '../auth/authenticator';

/** `host:port`, `[v6]:port` or `host` → the host name as allowed_hosts lists it (lower case, brackets kept). */
export function hostnameOf(hostHeader: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/]+)(:\d{1,5})?$/.exec(hostHeader.trim());
  return m ? m[1].toLowerCase() : undefined;
}

/** allowed_hosts plus the host of `mcp.public_url`: the name the deployment says clients use is always one of them. */
const allowedHostsCache = new WeakMap<AppConfig, Set<string>>();
function allowedHosts(config: AppConfig): Set<string> {
  let set = allowedHostsCache.get(config);
  if (!set) {
    set = new Set(config.mcp.allowed_hosts.map((h) => h.toLowerCase()));
    if (config.mcp.public_url) set.add(new URL(config.mcp.public_url).hostname.toLowerCase());
    allowedHostsCache.set(config, set);
  }
  return set;
}

/**
 * DNS rebinding: a page on evil.example that re-resolves its name to this gateway sends Host: evil.example (and its
 * own Origin). Only the configured host names pass; a request without Origin (any non-browser client) is judged by Host.
 */
export function hostAllowed(headers: IncomingHttpHeaders, config: AppConfig): boolean {
  const allowed = allowedHosts(config);
  const host = typeof headers.host === 'string' ? hostnameOf(headers.host) : undefined;
  if (!host || !allowed.has(host)) return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  if (config.server.cors_origins.includes(origin)) return true;
  try {
    const u = new URL(origin);
    return allowed.has(u.hostname.toLowerCase()) || allowed.has(`[${u.hostname.replace(/^\[|\]$/g, '')}]`.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * Many MCP clients can send only `Authorization: Bearer …`: an API key sent that way is read as X-API-Key, so the one
 * Authenticator (JWT or API key) decides either way.
 */
export function credentialHeaders(headers: IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const auth = headers.authorization;
  if (typeof auth === 'string' && headers['x-api-key'] === undefined) {
    const m = /^Bearer (\S+)$/.exec(auth);
    if (m && API_KEY_PATTERN.test(m[1])) {
      const { authorization: _dropped, ...rest } = headers;
      return { ...rest, 'x-api-key': m[1] };
    }
  }
  return headers;
}

/** The public base URL (scheme://host[:port]) the metadata documents name. */
export function publicBase(config: AppConfig, protocol: string, host: string): string {
  if (config.mcp.public_url) return new URL(config.mcp.public_url).origin + new URL(config.mcp.public_url).pathname.replace(/\/mcp\/?$/, '').replace(/\/$/, '');
  return `${protocol}://${host}`;
}

export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource/mcp';

/** RFC 9728 protected-resource metadata of the /mcp endpoint: the resource, and the OIDC issuer when one is configured. */
export function protectedResourceMetadata(config: AppConfig, base: string): Record<string, unknown> {
  return {
    resource: `${base}/mcp`,
    ...(config.auth.oidc_issuer ? { authorization_servers: [config.auth.oidc_issuer] } : {}),
    bearer_methods_supported: ['header'],
    resource_name: 'AWS MCP Server',
  };
}
