import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { contextOf, examples } from '../shared/command';
import { cliVersion } from '../shared/context';
import { NoCredentialsError, UsageError } from '../shared/exit-codes';
import { positiveInt } from '../shared/input';
import { runStdioBridge } from './stdio-bridge';

/**
 * `aws-mcp mcp`: the MCP server for desktop assistants over stdio. By default it bridges to a running gateway's /mcp
 * with the profile's (or AWS_MCP_API_KEY's) credentials, so the tools, roles and audit are the gateway's own;
 * `--standalone` runs the whole standalone system in this process instead (docs/mcp.md).
 */
/** What dist/apps/standalone/src/mcp-stdio.js exports (apps import no other app's code, so it is loaded at run time). */
interface StdioStandalone {
  serveStandaloneOverStdio(opts: { apiKey?: string; port?: number; dataDir?: string }): Promise<void>;
  StdioIdentityError: new (...args: never[]) => Error;
}

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve MCP over stdio for a desktop assistant: bridged to the gateway\'s /mcp, or --standalone in this process')
    .option('--standalone', 'run the whole standalone system in this process (embedded PostgreSQL) instead of bridging to a gateway')
    .option('--port <n>', 'with --standalone: the port of its console and REST API on 127.0.0.1 (default: any free one)', positiveInt('--port'))
    .option('--data-dir <dir>', 'with --standalone: its data directory (default: $MCP_DATA_DIR, else ~/.local/share/aws-mcp)')
    .addHelpText(
      'after',
      `${examples('aws-mcp mcp', 'AWS_MCP_URL=https://mcp.example.com AWS_MCP_API_KEY=mcp_… aws-mcp mcp', 'aws-mcp mcp --standalone')}
stdout carries only MCP messages; notes go to stderr. --standalone acts as the bootstrap user "admin", or as
AWS_MCP_API_KEY's identity when set. Client settings (Claude Desktop, VS Code, Cursor): docs/mcp.md.
`,
    )
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      if (!opts.standalone) {
        if (opts.port !== undefined || opts.dataDir !== undefined) throw new UsageError('--port and --data-dir go with --standalone');
        const connection = ctx.connection();
        const endpoint = new URL(`${connection.baseUrl}/mcp`);
        ctx.note(`aws-mcp: MCP over stdio, bridged to ${endpoint.href}`);
        await runStdioBridge({ endpoint, credentials: connection.credentials!, userAgent: `aws-mcp-cli/${cliVersion()} (mcp stdio bridge)`, note: (m) => ctx.note(`aws-mcp: ${m}`) });
        return;
      }
      // The system is the built apps (npm run build), not part of the CLI's own quick build.
      const entry = join(__dirname, '../../../standalone/src/mcp-stdio.js');
      if (!existsSync(entry)) throw new UsageError('--standalone needs the built system: run `npm run build` in the clone first');
      const { serveStandaloneOverStdio, StdioIdentityError } = require(entry) as StdioStandalone;
      try {
        await serveStandaloneOverStdio({ apiKey: process.env.AWS_MCP_API_KEY?.trim() || undefined, port: opts.port, dataDir: opts.dataDir });
      } catch (e) {
        throw e instanceof StdioIdentityError ? new NoCredentialsError(e.message) : e;
      }
    });
}
