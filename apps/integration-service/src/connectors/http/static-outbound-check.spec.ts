import { staticOutboundErrors } from './static-outbound-check';

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

  it('accepts public addresses, host names (checked when connecting), templates and allowlisted ranges', () => {
    expect(staticOutboundErrors({ connection: { url: 'https://hooks.example.com/{{event.type}}', health_url: 'http://93.184.216.34/' }, auth: { token_url: 'https://login.example.com/token' } }, none)).toEqual([]);
    expect(staticOutboundErrors({ connection: { url: 'http://127.0.0.1:8080/in', servers: 'nats://127.0.0.1:4222' } }, { allow: ['127.0.0.0/8'] })).toEqual([]);
    expect(staticOutboundErrors({ connection: { url: 'http://localhost/in' } }, none)).toEqual([]);
  });
});
