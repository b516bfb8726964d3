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
  return authorityOf(value, hostOnly, 'http')?.hostname.replace(/^\[(.*)\]$/, '$1') || null;
}

/** `value`'s authority parsed by the WHATWG URL parser as `as`://…, whatever its own scheme or form; null when it has none. */
function authorityOf(value: string, hostOnly: boolean, as: 'http' | 'https'): URL | null {
  const v = value.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(v);
  let input: string;
  if (scheme) input = `${as}://${v.slice(scheme[0].length)}`;
  else if (!v.startsWith('[') && (hostOnly || (v.match(/:/g)?.length ?? 0) > 1) && parseIpv6(v) !== null) input = `${as}://[${v}]/`;
  else input = `${as}://${v}`;
  try {
    return new URL(input);
  } catch {
    return null;
  }
}

/** Ports a scheme implies: written out or left out, they are the same destination. */
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };

/**
 * Where `value` sends, as `scheme://host:port` (scheme as written, lower case, none for a bare host; the port only when
 * written and not the scheme's default): a credential sent to `https://h` is not sent to `http://h` or `https://h:8443`.
 */
export function targetOrigin(value: string, hostOnly = false, port?: unknown): string | null {
  const url = authorityOf(value, hostOnly, 'http');
  const host = url?.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!url || !host) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value.trim())?.[1].toLowerCase() ?? '';
  // The http parse drops a written :80; only then is the https parse (which keeps it) needed to see it.
  const written = port !== undefined && port !== null && port !== '' ? String(port) : url.port || authorityOf(value, hostOnly, 'https')?.port || '';
  const shownPort = written && written !== DEFAULT_PORTS[scheme] ? `:${written}` : '';
  return `${scheme ? `${scheme}://` : ''}${host.includes(':') ? `[${host}]` : host.toLowerCase()}${shownPort}`;
}

/**
 * The SSRF check that can be made when a config is saved: URLs (and NATS servers, database and gRPC hosts)
 * given as literal IP addresses, in any encoding the URL parser or inet_aton accepts (decimal, octal, hex,
 * short forms, IPv4-mapped IPv6), that point at link-local, metadata, private or loopback ranges and are not
 * allowlisted. Host names can only be judged once resolved: the guard does that on every connection.
 * Paths: `connection.url`, `auth.token_url`, `health_check.endpoint`, ...
 */
/** One place a config names where calls go: a URL (any scheme) or a host (`hostOnly`: a bare DATABASE host). */
interface OutboundTarget {
  field: string;
  value: unknown;
  kind: 'url' | 'host';
  hostOnly?: boolean;
}

/** Every place of a config that names where calls go: URL-like `connection` keys, hosts, servers, the token URL, the health endpoint. */
function outboundTargets(config: OutboundTargets): OutboundTarget[] {
  const out: OutboundTarget[] = [];
  const c = config.connection ?? {};
  for (const [k, v] of Object.entries(c)) if (URL_KEY.test(k)) out.push({ field: `connection.${k}`, value: v, kind: 'url' });
  if (typeof c.address === 'string') out.push({ field: 'connection.address', value: c.address, kind: 'host' });
  if (typeof c.host === 'string') out.push({ field: 'connection.host', value: c.host, kind: 'host', hostOnly: true });
  if (typeof c.connection_string === 'string') out.push({ field: 'connection.connection_string', value: c.connection_string, kind: 'host' });
  const servers = typeof c.servers === 'string' ? [c.servers] : Array.isArray(c.servers) ? c.servers : [];
  servers.forEach((s, i) => out.push({ field: typeof c.servers === 'string' ? 'connection.servers' : `connection.servers.${i}`, value: s, kind: 'host' }));
  out.push({ field: 'auth.token_url', value: (config.auth as { token_url?: unknown } | null)?.token_url, kind: 'url' });
  out.push({ field: 'health_check.endpoint', value: (config.health_check as { endpoint?: unknown } | null)?.endpoint, kind: 'url' });
  return out;
}

/**
 * The destinations a config sends to (`targetOrigin`: scheme, host and port; placeholders stand for themselves), for
 * judging whether an update points stored credentials somewhere new. A DATABASE `host` counts with its `port`.
 */
export function destinations(config: OutboundTargets): Set<string> {
  const out = new Set<string>();
  const port = config.connection?.port;
  for (const t of outboundTargets(config)) {
    if (typeof t.value !== 'string' || !t.value) continue;
    const origin = targetOrigin(t.value.replace(/\{\{[^{}]*\}\}/g, 'x'), t.hostOnly, t.field === 'connection.host' ? port : undefined);
    if (origin) out.add(origin);
  }
  return out;
}

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

  for (const t of outboundTargets(config)) {
    if (t.kind === 'url') checkUrl(t.field, t.value);
    else checkHost(t.field, t.value, t.hostOnly);
  }
  return errors;
}
