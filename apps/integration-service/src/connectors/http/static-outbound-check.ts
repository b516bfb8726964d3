import { FieldError } from '@app/contracts';
import { OutboundPolicy } from '../connector.port';
import { OutboundBlockedError, OutboundGuard } from './outbound-guard';
import { parseIp, parseIpv6 } from './ip-address';

/** What `staticOutboundErrors` looks at: the parts of a config that name where calls go. */
export interface OutboundTargets {
  connection?: Record<string, unknown> | null;
  auth?: { token_url?: unknown } | Record<string, unknown> | null;
  health_check?: { endpoint?: unknown } | Record<string, unknown> | null;
}

/** `connection` keys that hold a URL (`url`, `health_url`, `poll_url`, `queue_url`, `endpoint`, ...). */
const URL_KEY = /^(url|endpoint|[a-z0-9_]*_url)$/;

/**
 * The host a connection value names, for every type and form: a URL of any scheme (`nats://`, `postgres://`, `tls://`),
 * `host:port`, `[v6]:port`, or a bare host (`hostOnly`: a DATABASE `host`, where `::1` is an address, not `:` + port).
 * Parsed by the WHATWG URL parser (as the http scheme), so its rules decide, not ours: user-info ends at the last `@`
 * before the path, a fragment ends the authority, full-width digits and dots are mapped (IDNA), and IPv4 in any
 * inet_aton form is normalised. Null when it names no host.
 */
export function targetHost(value: string, hostOnly = false): string | null {
  const v = value.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(v);
  let input: string;
  if (scheme) input = `http://${v.slice(scheme[0].length)}`;
  else if (!v.startsWith('[') && (hostOnly || (v.match(/:/g)?.length ?? 0) > 1) && parseIpv6(v) !== null) input = `http://[${v}]/`;
  else input = `http://${v}`;
  try {
    const host = new URL(input).hostname;
    return (host.startsWith('[') ? host.slice(1, -1) : host) || null;
  } catch {
    return null;
  }
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
    if (typeof value !== 'string') return;
    if (!/^https?:\/\//i.test(value)) return void (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && checkHost(field, value)); // other problems are the plugin's to report
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
  function checkHost(field: string, value: unknown, hostOnly = false) {
    if (typeof value !== 'string') return;
    const host = targetHost(value, hostOnly);
    if (!host || !parseIp(host)) return;
    try {
      guard.checkAddress(host, host);
    } catch (e) {
      if (e instanceof OutboundBlockedError) errors.push({ field, message: `${e.message.replace(/^Outbound call to /, 'calls to ')} (not allowed for outbound calls; see integrations.allow_outbound)` });
    }
  }

  const c = config.connection ?? {};
  for (const [k, v] of Object.entries(c)) if (URL_KEY.test(k)) checkUrl(`connection.${k}`, v);
  if (typeof c.address === 'string') checkHost('connection.address', c.address);
  if (typeof c.host === 'string') checkHost('connection.host', c.host, true);
  if (typeof c.connection_string === 'string') checkHost('connection.connection_string', c.connection_string);
  const servers = typeof c.servers === 'string' ? [c.servers] : Array.isArray(c.servers) ? c.servers : [];
  servers.forEach((s, i) => checkHost(typeof c.servers === 'string' ? 'connection.servers' : `connection.servers.${i}`, s));
  checkUrl('auth.token_url', (config.auth as { token_url?: unknown } | null)?.token_url);
  checkUrl('health_check.endpoint', (config.health_check as { endpoint?: unknown } | null)?.endpoint);
  return errors;
}
