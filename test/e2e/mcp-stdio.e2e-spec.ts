import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { SystemUnderTest } from '@app/testing';

/**
 * `aws-mcp mcp` as a desktop assistant starts it: the package's bin spawned by the official SDK's StdioClientTransport.
 * Bridge mode against the running system (this pass's mode): the gateway's tools for the key's role, a call, a refusal
 * of a tool the role may not use, audit under the key; a bad key ends in a clear error, not a hang. `--standalone`
 * (once, in the standalone pass: it is the in-process system whatever E2E_MODE says): the whole system in the CLI's
 * process, acting as the bootstrap admin, with nothing but MCP on stdout.
 */
const MODE = (process.env.E2E_MODE as 'standalone' | 'distributed') ?? 'standalone';
const BIN = resolve(__dirname, '../../bin/aws-mcp.js');
const home = mkdtempSync(join(tmpdir(), 'aws-mcp-stdio-e2e-'));

function stdioClient(args: string[], env: Record<string, string>): { client: Client; transport: StdioClientTransport; stderr: () => string } {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, ...args], env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), ...env }, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d));
  return { client: new Client({ name: 'e2e-stdio', version: '1.0.0' }), transport, stderr: () => err };
}

describe(`aws-mcp mcp over stdio (${MODE})`, () => {
  let sut: SystemUnderTest;

  beforeAll(async () => {
    sut = await SystemUnderTest.start(MODE);
  }, 180_000);

  afterAll(async () => {
    await sut?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('bridges to the gateway: the viewer key sees its tools, calls one, cannot use a tool above its role, and is audited', async () => {
    const viewerKey = await sut.keyFor('viewer');
    const { client, transport, stderr } = stdioClient(['mcp'], { AWS_MCP_URL: sut.baseUrl, AWS_MCP_API_KEY: viewerKey });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe('aws-mcp-server');
      const names = (await client.listTools()).tools.map((t) => t.name);
      const adminNames = await (async () => {
        const admin = stdioClient(['mcp'], { AWS_MCP_URL: sut.baseUrl, AWS_MCP_API_KEY: await sut.keyFor('admin') });
        await admin.client.connect(admin.transport);
        const list = (await admin.client.listTools()).tools.map((t) => t.name);
        await admin.client.close();
        return list;
      })();
      expect(names).toEqual(expect.arrayContaining(['list_accounts', 'search_resources']));
      const adminOnly = adminNames.filter((n) => !names.includes(n));
      const result = await client.callTool({ name: 'summarize_resources', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(expect.objectContaining({ total: expect.any(Number) }));
      if (adminOnly.length) {
        const refused = await client.callTool({ name: adminOnly[0], arguments: {} }).then(
          (r) => r.isError === true,
          () => true,
        );
        expect(refused).toBe(true);
      }
      expect(stderr()).toContain(`bridged to ${sut.baseUrl}/mcp`);
    } finally {
      await client.close();
    }
    const audit = await sut.api().get('/api/v1/audit?limit=50');
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('summarize_resources');
  }, 60_000);

  it('a key the gateway refuses answers the request with a JSON-RPC error (no hang), and stdout carries nothing else', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp'], { env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), AWS_MCP_URL: sut.baseUrl, AWS_MCP_API_KEY: 'mcp_0000000000000000_not-a-real-key' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    const answered = new Promise<void>((done) => child.stdout.on('data', (d: Buffer) => ((stdout += d), stdout.includes('\n') && done())));
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } };
    child.stdin.write(`${JSON.stringify(initialize)}\n`);
    await answered;
    child.stdin.end();
    const exited = await new Promise<number | null>((done) => child.on('close', done));
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ jsonrpc: '2.0', id: 1, error: expect.objectContaining({ code: -32603, message: expect.stringContaining('did not answer') }) }]);
    expect(exited).toBe(0);
  }, 30_000);

  if (MODE === 'standalone') {
    it('--standalone runs the whole system in-process and serves MCP over stdio as the bootstrap admin', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'aws-mcp-stdio-standalone-'));
      const { client, transport, stderr } = stdioClient(['mcp', '--standalone', '--data-dir', dataDir], { BOOTSTRAP_ADMIN_PASSWORD: 'stdio-e2e-admin-password' });
      try {
        await client.connect(transport);
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(['list_accounts', 'search_resources', 'summarize_resources']));
        const accounts = await client.callTool({ name: 'list_accounts', arguments: {} });
        expect(accounts.isError).toBeFalsy();
        expect(stderr()).toContain('as user "admin" (admin)');
      } finally {
        await client.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
