import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, isIPv6, LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { ConnectorError, OutboundPolicy } from '../connector.port';
import { Cidr, cidrContains, formatIp, parseCidr, parseIp, ParsedIp } from './ip-address';

/** A call refused by the SSRF guard. Never retryable: the same URL will be refused again. */
export class OutboundBlockedError extends ConnectorError {
  readonly code = 'OUTBOUND_BLOCKED';
  constructor(message: string) {
    super(message, false);
    this.name = 'OutboundBlockedError';
  }
}

const cidrs = (list: string[]): Cidr[] => list.map((c) => parseCidr(c) as Cidr);

/** Ranges a user-given URL may not reach (RFC 6890 special-purpose blocks that are not the public internet). */
const DENIED_V4 = cidrs([
  '0.0.0.0/8', // "this network", incl. unspecified 0.0.0.0
  '10.0.0.0/8',
  '100.64.0.0/10', // CGNAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, incl. 169.254.169.254 instance metadata
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments (e.g. 192.0.0.192 Oracle metadata)
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking, used by some internal networks
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, incl. broadcast
]);
const DENIED_V6 = cidrs([
  '::/128', // unspecified
  '::1/128',
  '100::/64', // discard-only
  'fc00::/7', // ULA
  'fe80::/10', // link-local
  'fec0::/10', // deprecated site-local, still routed by some stacks
  'ff00::/8', // multicast
]);
/** IPv6 forms that carry an IPv4 address, with where the 32 bits sit: these are judged by their IPv4. */
const EMBEDDING_V6: Array<{ cidr: Cidr; shift: bigint }> = [
  { cidr: parseCidr('::ffff:0:0/96') as Cidr, shift: 0n }, // IPv4-mapped
  { cidr: parseCidr('::/96') as Cidr, shift: 0n }, // IPv4-compatible (deprecated)
  { cidr: parseCidr('64:ff9b::/96') as Cidr, shift: 0n }, // NAT64
  { cidr: parseCidr('2002::/16') as Cidr, shift: 80n }, // 6to4
];

/** Why an address is off-limits, or null if it is a public address. */
export function deniedReason(ip: ParsedIp): string | null {
  if (ip.version === 4) {
    const hit = DENIED_V4.find((c) => cidrContains(c, ip));
    return hit ? `${formatIp(ip)} is in the reserved range ${formatIp({ version: 4, value: hit.network })}/${hit.prefix}` : null;
  }
  // The unspecified and loopback addresses sit inside ::/96 but are IPv6 in their own right.
  const own = DENIED_V6.find((c) => cidrContains(c, ip));
  if (own) return `${formatIp(ip)} is in the reserved range ${formatIp({ version: 6, value: own.network })}/${own.prefix}`;
  for (const e of EMBEDDING_V6) {
    if (cidrContains(e.cidr, ip)) {
      const v4: ParsedIp = { version: 4, value: (ip.value >> e.shift) & 0xffffffffn };
      const inner = deniedReason(v4);
      return inner ? `${formatIp(ip)} embeds ${inner}` : null;
    }
  }
  return null;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export type LookupFn = (hostname: string) => Promise<string[]>;

const systemLookup: LookupFn = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Decides where outbound calls may go. URLs are checked before the call (scheme, literal addresses) and,
 * through `connector()` (undici) or `socketLookup()` (Node sockets), every socket is checked after DNS
 * resolution and opened to the checked address, so DNS rebinding and redirects to internal hosts are refused
 * too. Clients that resolve names themselves with no hook (grpc-js, nats.js) are given `resolve()`'s address.
 */
export class OutboundGuard {
  private readonly allowCidrs: Cidr[] = [];
  private readonly allowHosts = new Set<string>();

  constructor(
    policy: OutboundPolicy = { allow: [] },
    private readonly lookup: LookupFn = systemLookup,
  ) {
    for (const entry of policy.allow) {
      const cidr = parseCidr(entry);
      if (cidr) this.allowCidrs.push(cidr);
      else this.allowHosts.add(entry.trim().toLowerCase().replace(/\.$/, ''));
    }
  }

  /** Parses and checks a URL before any network activity. WHATWG parsing already canonicalises odd IPv4 forms. */
  checkUrl(input: string | URL): URL {
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
    } catch {
      throw new OutboundBlockedError('The URL is not valid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundBlockedError(`Only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}`);
    }
    const host = stripBrackets(url.hostname);
    if (parseIp(host)) this.checkAddress(host, host);
    return url;
  }

  /** Throws unless `address` (an IP literal) is public or allowlisted. */
  checkAddress(address: string, hostname = address): void {
    if (this.isHostAllowed(hostname)) return;
    const ip = parseIp(stripBrackets(address));
    if (!ip) throw new OutboundBlockedError(`${hostname} did not resolve to an IP address`);
    if (this.allowCidrs.some((c) => cidrContains(c, ip))) return;
    const reason = deniedReason(ip);
    if (reason) throw new OutboundBlockedError(`Outbound call to ${hostname} refused: ${reason}`);
  }

  isHostAllowed(hostname: string): boolean {
    return this.allowHosts.has(stripBrackets(hostname).toLowerCase().replace(/\.$/, ''));
  }

  /** Resolves a host name and returns only the addresses that may be reached; throws if none may. */
  async resolve(hostname: string): Promise<string[]> {
    const host = stripBrackets(hostname);
    const literal = parseIp(host);
    if (literal) {
      this.checkAddress(host, host);
      // inet_aton forms (0x7f.1, 2130706433) in the standard notation, which sockets take as an address.
      return [isIP(host) ? host : formatIp(literal)];
    }
    let addresses: string[];
    try {
      addresses = await this.lookup(host);
    } catch (err) {
      throw new ConnectorError(`Cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}`, true);
    }
    const allowed: string[] = [];
    let firstError: OutboundBlockedError | undefined;
    for (const a of addresses) {
      try {
        this.checkAddress(a, host);
        allowed.push(a);
      } catch (err) {
        firstError ??= err as OutboundBlockedError;
      }
    }
    if (!allowed.length) throw firstError ?? new OutboundBlockedError(`${host} did not resolve to any address`);
    return allowed;
  }

  /**
   * A `dns.lookup` for Node sockets (the `lookup` option of net/tls connect and http(s).Agent): each new
   * connection resolves the name here, so it opens to an address this guard has just checked. Node does not
   * call it for IP literals: check those first (`checkUrl`, `resolve`).
   */
  socketLookup(): LookupFunction {
    const familyOf = (address: string) => (isIPv6(address) ? 6 : 4);
    return (hostname, options, callback) => {
      const want = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0;
      this.resolve(hostname).then(
        (addresses) => {
          const found = addresses.map((address) => ({ address, family: familyOf(address) })).filter((a) => !want || a.family === want);
          if (!found.length) callback(Object.assign(new Error(`${hostname} has no allowed IPv${want} address`), { code: 'ENOTFOUND' }), '');
          else if (options.all) callback(null, found);
          else callback(null, found[0].address, found[0].family);
        },
        (err: NodeJS.ErrnoException) => callback(err, ''),
      );
    };
  }

  /**
   * An undici connector that resolves and checks the host itself, then connects to the checked IP.
   * The TLS server name still comes from the original host, so certificates are verified against it.
   */
  connector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
    const connect = buildConnector(options);
    return (opts, callback) => {
      this.resolve(opts.hostname).then(
        ([address]) => connect({ ...opts, hostname: address, host: opts.host ?? opts.hostname }, callback),
        (err: Error) => callback(err, null),
      );
    };
  }
}
