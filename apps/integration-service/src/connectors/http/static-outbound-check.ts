import { FieldError } from '@app/contracts';
import { OutboundPolicy } from '../connector.port';
import { OutboundBlockedError, OutboundGuard } from './outbound-guard';
import { parseIp } from './ip-address';

/** What `staticOutboundErrors` looks at: the parts of a config that name where calls go. */
export interface OutboundTargets {
  connection?: Record<string, unknown> | null;
  auth?: { token_url?: unknown } | Record<string, unknown> | null;
  health_check?: { endpoint?: unknown } | Record<string, unknown> | null;
}

/** `connection` keys that hold a URL (`url`, `health_url`, `poll_url`, `queue_url`, `endpoint`, ...). */
const URL_KEY = /^(url|endpoint|[a-z0-9_]*_url)$/;

function hostOf(value: string): string | null {
  // host:port, [v6]:port, nats://host:port, tls://host
  const bare = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '').replace(/^[^@]*@/, '');
  const v6 = /^\[([^\]]+)\]/.exec(bare);
  if (v6) return v6[1];
  return bare.replace(/:\d+$/, '') || null;
}

/**
 * The SSRF check that can be made when a config is saved: URLs (and NATS servers, database and gRPC hosts)
 * given as literal IP addresses, in any encoding the URL parser or inet_aton accepts (decimal, octal, hex,
 * short forms, IPv4-mapped IPv6), that point at link-local, metadata, private or loopback ranges and are not
 * allowlisted. Host names can only be judged once resolved: the guard does that on every connection.
 * Paths: `connection.url`, `auth.token_url`, `health_check.endpoint`, ...
 */
export function staticOutboundErrors(config: OutboundTargets, policy: OutboundPolicy): FieldError[] {
  const guard = new OutboundGuard(policy, async () => []);
  const errors: FieldError[] = [];
  const checkUrl = (field: string, value: unknown) => {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return; // other problems are the plugin's to report
    let url: URL;
    try {
      url = new URL(value.replace(/\{\{[^{}]*\}\}/g, 'x'));
    } catch {
      return;
    }
    try {
      guard.checkUrl(url);
    } catch (e) {
      if (e instanceof OutboundBlockedError) errors.push({ field, message: `${e.message.replace(/^Outbound call to /, 'calls to ')} (not allowed for outbound calls; see integrations.allow_outbound)` });
    }
  };
  const checkHost = (field: string, value: unknown) => {
    if (typeof value !== 'string') return;
    const host = hostOf(value);
    if (!host || !parseIp(host)) return;
    try {
      guard.checkAddress(host, host);
    } catch (e) {
      if (e instanceof OutboundBlockedError) errors.push({ field, message: `${e.message.replace(/^Outbound call to /, 'calls to ')} (not allowed for outbound calls; see integrations.allow_outbound)` });
    }
  };

  const c = config.connection ?? {};
  for (const [k, v] of Object.entries(c)) if (URL_KEY.test(k)) checkUrl(`connection.${k}`, v);
  if (typeof c.address === 'string') checkHost('connection.address', c.address);
  if (typeof c.host === 'string') checkHost('connection.host', c.host);
  if (typeof c.connection_string === 'string') checkHost('connection.connection_string', c.connection_string);
  const servers = typeof c.servers === 'string' ? [c.servers] : Array.isArray(c.servers) ? c.servers : [];
  servers.forEach((s, i) => checkHost(typeof c.servers === 'string' ? 'connection.servers' : `connection.servers.${i}`, s));
  checkUrl('auth.token_url', (config.auth as { token_url?: unknown } | null)?.token_url);
  checkUrl('health_check.endpoint', (config.health_check as { endpoint?: unknown } | null)?.endpoint);
  return errors;
}
