import { connect, createServer, LookupFunction, Server, Socket } from 'node:net';
import { OutboundBlockedError, OutboundGuard, deniedReason } from './outbound-guard';
import { joinHostPort, parseCidr, parseIp, parseIpv4 } from './ip-address';
import { rebindingDns } from '../../../../../test/support/connectors/rebinding-dns';

describe('ip parsing', () => {
  it.each([
    ['127.0.0.1', 0x7f000001n],
    ['2130706433', 0x7f000001n], // decimal
    ['0177.0.0.1', 0x7f000001n], // octal
    ['0x7f.1', 0x7f000001n], // hex + short
    ['0x7f000001', 0x7f000001n],
    ['127.1', 0x7f000001n], // short
    ['127.0.1', 0x7f000001n],
    ['0', 0n],
    ['169.254.169.254', 0xa9fea9fen],
  ])('reads %s like inet_aton', (input, value) => {
    expect(parseIpv4(input)).toBe(value);
  });

  it.each(['256.0.0.1', '1.2.3.4.5', '08.0.0.1', '0x1g.0.0.1', 'example.com', '1.2.3.4294967296', ''])('rejects %s', (input) => {
    expect(parseIpv4(input)).toBeNull();
  });

  it.each([
    ['::1', 1n],
    ['::', 0n],
    ['::ffff:127.0.0.1', 0xffff7f000001n],
    ['::ffff:7f00:1', 0xffff7f000001n],
    ['[fe80::1%eth0]', 0xfe800000000000000000000000000001n],
    ['2001:db8::8a2e:370:7334', 0x20010db80000000000008a2e03707334n],
  ])('reads IPv6 %s', (input, value) => {
    expect(parseIp(input)).toEqual({ version: 6, value });
  });

  it.each(['1::2::3', '12345::', ':::1', '1:2:3:4:5:6:7:8:9', '::ffff:1.2.3'])('rejects IPv6 %s', (input) => {
    expect(parseIp(input)).toBeNull();
  });
});

describe('deniedReason', () => {
  const denied = (ip: string) => deniedReason(parseIp(ip)!);

  it.each([
    '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1',
    '100.127.255.255', '169.254.169.254', '169.254.0.1', '0.0.0.0', '224.0.0.1', '239.255.255.250', '255.255.255.255',
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'febf::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', // IPv4-mapped
    '::127.0.0.1', '::a9fe:a9fe', // IPv4-compatible
    '64:ff9b::7f00:1', // NAT64 of loopback
    '2002:7f00:1::', // 6to4 of loopback
  ])('refuses %s', (ip) => {
    expect(denied(ip)).toEqual(expect.any(String));
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2002:808:808::'])(
    'allows public %s',
    (ip) => {
      expect(denied(ip)).toBeNull();
    },
  );
});

describe('OutboundGuard', () => {
  const guard = new OutboundGuard({ allow: [] });

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/', // decimal
    'http://0177.0.0.1/', // octal
    'http://0x7f.1/', // hex
    'http://127.1/', // short
    'http://0x7f000001:8080/x',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/latest/meta-data',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
    'http://0/',
    'http://100.64.0.1/',
    'http://10.0.0.1/',
    'http://[::]/',
    'http://224.0.0.1/',
    'http://127.0.0.1./', // trailing dot
    'http://0x7f.0x0.0x0.0x1/',
    'http://017700000001/', // octal as one number
    'http://[::127.0.0.1]/', // IPv4-compatible
    'http://[0:0:0:0:0:ffff:169.254.169.254]/',
    'http://[64:ff9b::a9fe:a9fe]/', // NAT64 of the metadata address
    'https://user:pw@127.0.0.1/',
  ])('refuses %s before any network activity', (url) => {
    expect(() => guard.checkUrl(url)).toThrow(OutboundBlockedError);
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1:25/', 'javascript:alert(1)', 'not a url'])(
    'refuses %s (only http/https)',
    (url) => {
      expect(() => guard.checkUrl(url)).toThrow(OutboundBlockedError);
    },
  );

  it('lets public literals and host names through to the connect-time check', () => {
    expect(guard.checkUrl('https://8.8.8.8/x').hostname).toBe('8.8.8.8');
    expect(guard.checkUrl('https://hooks.example.com/x').hostname).toBe('hooks.example.com');
  });

  it('checks names after DNS resolution and keeps only public answers (rebinding to internal is refused)', async () => {
    const answers: Record<string, string[]> = {
      'internal.example': ['10.0.0.5'],
      'meta.example': ['169.254.169.254'],
      'mapped.example': ['::ffff:127.0.0.1'],
      'mixed.example': ['127.0.0.1', '93.184.216.34'],
      'public.example': ['93.184.216.34'],
    };
    const g = new OutboundGuard({ allow: [] }, async (h) => answers[h] ?? []);
    await expect(g.resolve('internal.example')).rejects.toThrow(/10\.0\.0\.5/);
    await expect(g.resolve('meta.example')).rejects.toBeInstanceOf(OutboundBlockedError);
    await expect(g.resolve('mapped.example')).rejects.toBeInstanceOf(OutboundBlockedError);
    await expect(g.resolve('mixed.example')).resolves.toEqual(['93.184.216.34']);
    await expect(g.resolve('public.example')).resolves.toEqual(['93.184.216.34']);
    await expect(new OutboundGuard({ allow: ['127.0.0.0/8'] }).resolve('0x7f.1')).resolves.toEqual(['127.0.0.1']);
    await expect(g.resolve('nothing.example')).rejects.toBeInstanceOf(OutboundBlockedError);
  });

  it('allows what the policy allowlists, by CIDR or host name, and nothing more', async () => {
    const g = new OutboundGuard({ allow: ['127.0.0.0/8', 'sidecar.internal'] }, async (h) => (h === 'sidecar.internal' ? ['10.9.9.9'] : ['10.0.0.1']));
    expect(() => g.checkUrl('http://127.0.0.1:8080/')).not.toThrow();
    expect(() => g.checkUrl('http://127.1/')).not.toThrow();
    expect(() => g.checkUrl('http://[::1]/')).toThrow(OutboundBlockedError);
    expect(() => g.checkUrl('http://169.254.169.254/')).toThrow(OutboundBlockedError);
    await expect(g.resolve('sidecar.internal')).resolves.toEqual(['10.9.9.9']);
    await expect(g.resolve('other.internal')).rejects.toBeInstanceOf(OutboundBlockedError);
  });

  it('parses CIDRs strictly', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ version: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('fc00::/7')?.prefix).toBe(7);
    expect(parseCidr('example.com')).toBeNull();
  });
});

describe('OutboundGuard.socketLookup (Node sockets)', () => {
  const ask = (fn: LookupFunction, host: string, options: Parameters<LookupFunction>[1]) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => fn(host, options, (err, address, family) => resolve({ err, address, family })));

  it('answers with the checked addresses only, in the form and family asked for', async () => {
    const fn = new OutboundGuard({ allow: [] }, async () => ['127.0.0.1', '93.184.216.34', '2606:4700::1111']).socketLookup();
    expect(await ask(fn, 'h.example', {})).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect(await ask(fn, 'h.example', { all: true })).toMatchObject({ address: [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1111', family: 6 }] });
    expect(await ask(fn, 'h.example', { family: 6 })).toMatchObject({ address: '2606:4700::1111', family: 6 });
    const blocked = await ask(new OutboundGuard({ allow: [] }, async () => ['169.254.169.254']).socketLookup(), 'meta.example', {});
    expect(blocked.err).toBeInstanceOf(OutboundBlockedError);
  });

  describe('on a real socket', () => {
    let server: Server;
    let port: number;
    let accepted = 0;
    beforeAll(async () => {
      server = createServer((s) => {
        accepted++;
        s.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const open = (lookup: LookupFunction) =>
      new Promise<Socket>((resolve, reject) => {
        // A .test name has no DNS answer: reaching the server at all proves the guard's answer was used.
        const s = connect({ host: 'db.rebind.test', port, lookup }, () => resolve(s));
        s.once('error', reject);
      });

    it('checks every connection: a name that rebinds to the metadata address is refused on the next one', async () => {
      const dns = rebindingDns(['127.0.0.1'], ['169.254.169.254']);
      const lookup = new OutboundGuard({ allow: ['127.0.0.0/8'] }, dns.lookup).socketLookup();
      (await open(lookup)).destroy();
      expect(accepted).toBe(1);
      await expect(open(lookup)).rejects.toBeInstanceOf(OutboundBlockedError);
      expect(accepted).toBe(1);
      expect(dns.asked).toEqual(['db.rebind.test', 'db.rebind.test']);
    });
  });
});

describe('joinHostPort', () => {
  it('brackets IPv6 literals only', () => {
    expect(joinHostPort('93.184.216.34', 443)).toBe('93.184.216.34:443');
    expect(joinHostPort('2606:4700::1111', 4222)).toBe('[2606:4700::1111]:4222');
    expect(joinHostPort('grpc.example.com', 443)).toBe('grpc.example.com:443');
  });
});
