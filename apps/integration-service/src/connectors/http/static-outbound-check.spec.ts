import { destinations, staticOutboundErrors, targetHost, targetOrigin } from './static-outbound-check';

describe('staticOutboundErrors', () => {
  const none = { allow: [] };

  it('refuses literal metadata, link-local, private and loopback addresses in every URL field, in any encoding', () => {
    const errors = staticOutboundErrors(
      {
        connection: {
          url: 'http://169.254.169.254/latest/meta-data',
          health_url: 'http://[::ffff:169.254.169.254]/',
          poll_url: 'http://2852039166/', // 169.254.169.254 as one decimal number
          queue_url: 'http://0251.0376.0251.0376/', // octal
          endpoint: 'http://0x7f.1:8080/', // 127.0.0.1, hex short form
          servers: ['nats://10.1.2.3:4222'],
          host: '192.168.1.10',
        },
        auth: { token_url: 'https://[fd00::1]/token' },
        health_check: { endpoint: 'http://127.0.0.1:9/health' },
      },
      none,
    );
    expect(errors.map((e) => e.field).sort()).toEqual(
      ['auth.token_url', 'connection.endpoint', 'connection.health_url', 'connection.host', 'connection.poll_url', 'connection.queue_url', 'connection.servers.0', 'connection.url', 'health_check.endpoint'].sort(),
    );
    expect(errors.find((e) => e.field === 'connection.url')?.message).toContain('169.254.0.0/16');
  });

  it('reads every type\'s address with one parser: bare IPv6 hosts, full-width digits, user-info and fragments as the URL standard does', () => {
    const refused = (connection: Record<string, unknown>) => staticOutboundErrors({ connection }, none).map((e) => e.field);
    for (const host of ['::1', 'fe80::1', 'fd00::1', '[::1]', '::ffff:127.0.0.1']) expect({ host, fields: refused({ host }) }).toEqual({ host, fields: ['connection.host'] });
    expect(refused({ servers: ['nats://１２７．０．０．１:4222'] })).toEqual(['connection.servers.0']);
    expect(refused({ servers: 'tls://[::1]:4222' })).toEqual(['connection.servers']);
    expect(refused({ connection_string: 'postgres://u@user@127.0.0.1/x' })).toEqual(['connection.connection_string']);
    expect(refused({ connection_string: 'postgres://u@127.0.0.1#@example.com/x' })).toEqual(['connection.connection_string']);
    expect(refused({ connection_string: 'postgres://u:p@[fd00::1]:5432/x' })).toEqual(['connection.connection_string']);
    expect(refused({ address: '[::1]:50051' })).toEqual(['connection.address']);
    expect(refused({ address: '0x7f.1:50051' })).toEqual(['connection.address']);
    expect(refused({ url: 'nats://10.0.0.1:4222' })).toEqual(['connection.url']);
    expect(targetHost('postgres://u@127.0.0.1#@example.com/x')).toBe('127.0.0.1');
    expect(targetHost('db.example.com', true)).toBe('db.example.com');
    expect(targetHost('grpc.example.com:443')).toBe('grpc.example.com');
    expect(refused({ host: 'db.example.com', address: 'grpc.example.com:443', servers: ['nats://nats.example.com:4222'] })).toEqual([]);
  });

  it('accepts public addresses, host names (checked when connecting), templates and allowlisted ranges', () => {
    expect(staticOutboundErrors({ connection: { url: 'https://hooks.example.com/{{event.type}}', health_url: 'http://93.184.216.34/' }, auth: { token_url: 'https://login.example.com/token' } }, none)).toEqual([]);
    expect(staticOutboundErrors({ connection: { url: 'http://127.0.0.1:8080/in', servers: 'nats://127.0.0.1:4222' } }, { allow: ['127.0.0.0/8'] })).toEqual([]);
    expect(staticOutboundErrors({ connection: { url: 'http://localhost/in' } }, none)).toEqual([]);
  });
});

describe('destinations', () => {
  it('collects where a config calls, as scheme://host:port, in every form, and ignores what names none', () => {
    expect(
      destinations({
        connection: { url: 'https://Hooks.Example.com/in', health_url: 'https://status.example.com:443/', poll_url: 'https://{{event.data.id}}.api.example.com/x', servers: ['nats://u:p@bus.example.com:4222'], host: 'fd00::1', port: 5432, method: 'POST' },
        auth: { token_url: 'https://login.example.com/token' },
        health_check: { endpoint: 'http://127.0.0.1:9/health' },
      }),
    ).toEqual(new Set(['https://hooks.example.com', 'https://status.example.com', 'https://x.api.example.com', 'nats://bus.example.com:4222', '[fd00::1]:5432', 'https://login.example.com', 'http://127.0.0.1:9']));
    expect(destinations({ connection: {}, auth: null, health_check: { endpoint: '' } })).toEqual(new Set());
  });

  it('tells a downgrade to http, another port and another scheme apart from the same place written otherwise', () => {
    const one = (url: string) => [...destinations({ connection: { url } })][0];
    expect(one('https://api.example.com/a')).toBe(one('HTTPS://API.example.com:443/b'));
    expect(one('http://api.example.com')).toBe(one('http://api.example.com:80/'));
    expect(new Set([one('https://api.example.com'), one('http://api.example.com'), one('https://api.example.com:8443'), one('https://api.example.com:80'), one('wss://api.example.com')]).size).toBe(5);
    expect(targetOrigin('grpc.example.com:443')).toBe('grpc.example.com:443');
    expect(targetOrigin('db.example.com', true, 6543)).toBe('db.example.com:6543');
  });
});
