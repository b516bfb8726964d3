import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Identity, Role } from '@app/auth';
import { loadConfig } from '@app/config';
import { createStandaloneRuntime, RunningApp } from '@app/platform';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { AuditRecorder } from '../../gateway/src/audit/audit.recorder';
import { Authenticator } from '../../gateway/src/auth/authenticator';
import { McpServerFactory } from '../../gateway/src/mcp/mcp-server.factory';
import { UsersRepository } from '../../gateway/src/users/users.repository';
import { startStandaloneApps } from './main';

export interface StdioStandaloneOptions {
  /** Act as this API key's identity (its role); without one, as the bootstrap user `admin`. */
  apiKey?: string;
  /** The gateway's port (console, REST) on 127.0.0.1; 0 (default): any free one, named on stderr. */
  port?: number;
  /** Where PGlite and the generated keys live; default $MCP_DATA_DIR, else $XDG_DATA_HOME/aws-mcp or ~/.local/share/aws-mcp. */
  dataDir?: string;
}

/** A refusal to start that the CLI reports as an authentication failure (exit 3). */
export class StdioIdentityError extends Error {
  override readonly name = 'StdioIdentityError';
}

/**
 * `aws-mcp mcp --standalone`: the whole standalone system in this process (as `npm start`) and its MCP server on
 * stdin/stdout, for a desktop assistant that starts its servers as commands. The tools are the gateway's own server
 * (McpServerFactory: the same tools, permission checks, output caps and audit as POST /mcp); only the transport and
 * the way the caller is known differ: no HTTP credential crosses stdio, so the caller is the bootstrap user `admin`
 * (who the OS user running this process already is in effect: the data directory is theirs) or, with an API key,
 * that key's identity and role. Resolves when stdin ends.
 */
export async function serveStandaloneOverStdio(opts: StdioStandaloneOptions): Promise<void> {
  // stdout is the protocol: everything else that writes there (the logger, a stray console.log) goes to stderr.
  const realWrite = process.stdout.write.bind(process.stdout);
  const protocolOut = new Writable({ write: (chunk: Buffer, _enc, done) => void realWrite(chunk, done) });
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

  if (opts.dataDir) process.env.MCP_DATA_DIR = opts.dataDir;
  else if (!process.env.MCP_DATA_DIR && !process.env.MCP_CONFIG_PATH) process.env.MCP_DATA_DIR = join(process.env.XDG_DATA_HOME || join(homedir(), '.local/share'), 'aws-mcp');
  // Loopback only: the console and REST API of this system are for this machine.
  const config = loadConfig({ argv: [], overrides: { server: { host: '127.0.0.1', port: opts.port ?? 0 } } });
  const runtime = await createStandaloneRuntime(config);
  let apps: RunningApp[] = [];
  const stop = async () => {
    for (const a of [...apps].reverse()) await a.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
  };
  try {
    const started = await startStandaloneApps(runtime);
    apps = started.apps;
    const nest = started.gateway.nest;
    const identity = await callerIdentity(opts.apiKey, nest.get(Authenticator, { strict: false }), nest.get(UsersRepository, { strict: false }));
    const audit = nest.get(AuditRecorder, { strict: false });
    const server = nest.get(McpServerFactory, { strict: false }).create(
      // One correlation id for the session: every tool call of this stdio connection is found by it in the audit.
      { identity, correlationId: `stdio-${randomUUID()}`, clientAddress: 'stdio', audit: (a) => audit.recordAction({ ...a, method: 'STDIO', path: 'stdio' }) },
      runtime.version,
    );
    process.stderr.write(`aws-mcp: MCP over stdio as ${identity.kind === 'user' ? 'user' : 'API key'} "${identity.name}" (${identity.role}); console at ${started.gateway.url}/\n`);
    const closed = new Promise<void>((resolve) => {
      process.stdin.once('end', resolve);
      process.stdin.once('close', resolve);
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.connect(new StdioServerTransport(process.stdin, protocolOut));
    await closed;
    await server.close().catch(() => undefined);
  } finally {
    await stop();
  }
}

async function callerIdentity(apiKey: string | undefined, authenticator: Authenticator, users: UsersRepository): Promise<Identity> {
  if (apiKey) {
    const identity = await authenticator.authenticate({ 'x-api-key': apiKey }).catch(() => undefined);
    if (!identity) throw new StdioIdentityError('AWS_MCP_API_KEY is not a valid API key of this system (revoked, expired or from another one)');
    return identity;
  }
  const admin = await users.findByUsername('admin');
  if (!admin || admin.disabled || admin.role !== Role.Admin) throw new StdioIdentityError('the bootstrap user "admin" is gone, disabled or no longer an admin here: give an API key (AWS_MCP_API_KEY) to act as');
  return { kind: 'user', id: admin.id, name: admin.username, role: Role.Admin };
}
