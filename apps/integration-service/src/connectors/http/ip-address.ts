/**
 * Minimal IP parsing for the SSRF guard. IPv4 accepts every inet_aton form (decimal `2130706433`,
 * octal `0177.0.0.1`, hex `0x7f.1`, short `127.1`) because resolvers and URL parsers accept them too,
 * so an allow/deny decision must see the same number the socket will use.
 */

export interface ParsedIp {
  version: 4 | 6;
  /** 32-bit (v4) or 128-bit (v6) value. */
  value: bigint;
}

const V4_PART = /^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$/i;

export function parseIpv4(input: string): bigint | null {
  const parts = input.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // trailing dot is legal
  if (parts.length < 1 || parts.length > 4) return null;
  const nums: bigint[] = [];
  for (const p of parts) {
    if (!V4_PART.test(p)) return null;
    let n: bigint;
    if (/^0x/i.test(p)) n = p.length === 2 ? 0n : BigInt(p);
    else if (p.length > 1 && p.startsWith('0')) n = BigInt('0o' + p.slice(1));
    else n = BigInt(p);
    nums.push(n);
  }
  const last = nums.pop() as bigint;
  // Leading parts are one byte each; the last part fills the remaining bytes.
  if (nums.some((n) => n > 255n)) return null;
  const lastBits = BigInt(8 * (4 - nums.length));
  if (last >= 1n << lastBits) return null;
  let value = 0n;
  nums.forEach((n, i) => (value |= n << BigInt(8 * (3 - i))));
  return value | last;
}

export function parseIpv6(input: string): bigint | null {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':') || !/^[0-9a-f:.]+$/i.test(s)) return null;
  // An embedded dotted IPv4 tail (::ffff:127.0.0.1) is rewritten as two hex groups; strict dotted quads only.
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(maybeV4)) return null;
    const v4 = maybeV4.split('.').map(Number);
    if (v4.some((n) => n > 255)) return null;
    s = `${s.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const toGroups = (h: string): bigint[] | null => {
    if (h === '') return [];
    const g = h.split(':');
    if (g.some((x) => !/^[0-9a-f]{1,4}$/i.test(x))) return null;
    return g.map((x) => BigInt('0x' + x));
  };
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (known > 7) return null;
    groups = [...head, ...Array<bigint>(8 - known).fill(0n), ...rest];
  } else {
    if (known !== 8) return null;
    groups = head;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(input: string): ParsedIp | null {
  const v4 = input.includes(':') ? null : parseIpv4(input);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseIpv6(input);
  return v6 === null ? null : { version: 6, value: v6 };
}

export interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefix: number;
}

export function parseCidr(input: string): Cidr | null {
  const [addr, len, ...extra] = input.trim().split('/');
  if (extra.length) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const bits = ip.version === 4 ? 32 : 128;
  const prefix = len === undefined ? bits : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (len !== undefined && !/^\d+$/.test(len))) return null;
  return { version: ip.version, network: mask(ip.value, prefix, bits), prefix };
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  const host = BigInt(bits - prefix);
  return (value >> host) << host;
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.version !== ip.version) return false;
  const bits = ip.version === 4 ? 32 : 128;
  return mask(ip.value, cidr.prefix, bits) === cidr.network;
}

export function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((ip.value >> s) & 255n).toString()).join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((ip.value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

/** `host:port` for a socket address, with an IPv6 literal in brackets as URLs and gRPC/NATS targets want it. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
