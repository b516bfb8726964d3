import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const file = (yaml: string) => {
  const p = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'config.yaml');
  writeFileSync(p, yaml);
  return p;
};

describe('loadConfig', () => {
  it('applies the seed defaults with no file and no environment', () => {
    const c = loadConfig({ argv: [], env: {} });
    expect(c.server).toMatchObject({ host: '0.0.0.0', port: 8000 });
    expect(c.aws.default_region).toBe('us-west-2');
    expect(c.logging).toEqual({ level: 'info', format: 'json' });
    expect(c.database).toMatchObject({ migrations_run: true });
    expect(c.database.url).toBeUndefined();
  });

  it('reads the file from --config, then standard variables, then MCP_<SECTION>_<KEY> on top', () => {
    const p = file('aws:\n  default_region: eu-west-1\nserver:\n  port: 9000\nlogging:\n  level: DEBUG\ndatabase:\n  url: postgres://file/db\n');
    const c = loadConfig({ argv: ['--config', p], env: { DATABASE_URL: 'postgres://env/db', MCP_SERVER_PORT: '8001', AWS_REGION: 'ap-south-1', MCP_AWS_DEFAULT_REGION: 'us-east-2' } });
    expect(c.server.port).toBe(8001);
    expect(c.logging.level).toBe('debug');
    expect(c.database.url).toBe('postgres://env/db');
    expect(c.aws.default_region).toBe('us-east-2');
    expect(c.source.file).toBe(p);
  });

  it('takes the path from MCP_CONFIG_PATH and --config=path', () => {
    const p = file('server:\n  port: 7000\n');
    expect(loadConfig({ argv: [], env: { MCP_CONFIG_PATH: p } }).server.port).toBe(7000);
    expect(loadConfig({ argv: [`--config=${p}`], env: {} }).server.port).toBe(7000);
  });

  it('parses booleans and lists from the environment', () => {
    const c = loadConfig({ argv: [], env: { MCP_DATABASE_MIGRATIONS_RUN: 'false', MCP_SERVER_CORS_ORIGINS: 'https://a.example, https://b.example' } });
    expect(c.database.migrations_run).toBe(false);
    expect(c.server.cors_origins).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    [{ MCP_SERVER_PORT: '65536' }, 'server.port (from MCP_SERVER_PORT): must be at most 65535 (got "65536")'],
    [{ MCP_SERVER_PORT: '80.5' }, 'server.port (from MCP_SERVER_PORT): must be an integer'],
    [{ NATS_URL: 'http://nats:4222' }, 'nats.url (from NATS_URL): must be nats://host:port'],
    [{ AWS_REGION: 'mars-1' }, 'aws.default_region (from AWS_REGION): must be an AWS region'],
    [{ MCP_LOGGING_FORMAT: 'xml' }, 'logging.format (from MCP_LOGGING_FORMAT): must be json or text'],
    [{ MCP_SERVER_TRUSTED_PROXIES: '10.0.0.0/33' }, 'server.trusted_proxies (from MCP_SERVER_TRUSTED_PROXIES): must list IP addresses or CIDRs'],
    [{ MCP_SERVER_TRUSTED_PROXIES: 'lb.internal' }, 'server.trusted_proxies (from MCP_SERVER_TRUSTED_PROXIES): must list IP addresses or CIDRs'],
  ])('stops on %j naming the key and its source', (env, message) => {
    expect(() => loadConfig({ argv: [], env })).toThrow(ConfigError);
    expect(() => loadConfig({ argv: [], env })).toThrow(message);
  });

  it('refuses unknown keys, unknown sections and broken YAML', () => {
    expect(() => loadConfig({ argv: ['--config', file('server:\n  prot: 1\n')], env: {} })).toThrow('unknown key server.prot');
    expect(() => loadConfig({ argv: ['--config', file('serverz:\n  port: 1\n')], env: {} })).toThrow('unknown key serverz');
    expect(() => loadConfig({ argv: ['--config', file('server: [1, 2\n')], env: {} })).toThrow('not valid YAML');
    expect(() => loadConfig({ argv: ['--config', '/no/such/file.yaml'], env: {} })).toThrow('file not found');
  });
});
