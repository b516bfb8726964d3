import type { Command } from '@commander-js/extra-typings';
import { contextOf, examples } from '../shared/command';
import { cliVersion } from '../shared/context';
import { runStdioBridge } from './stdio-bridge';

/**
 * `aws-mcp mcp`: the MCP server for desktop assistants over stdio. It bridges to a running gateway's /mcp with the
 * profile's (or AWS_MCP_API_KEY's) credentials, so the tools, roles and audit are the gateway's own.
 */
export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve MCP over stdio for a desktop assistant: bridges to the gateway\'s /mcp with this profile\'s credentials')
    .addHelpText(
      'after',
      `${examples('aws-mcp mcp', 'AWS_MCP_URL=https://mcp.example.com AWS_MCP_API_KEY=mcp_… aws-mcp mcp')}
stdout carries only MCP messages; notes go to stderr. Client settings (Claude Desktop, VS Code, Cursor): docs/mcp.md.
`,
    )
    .action(async (_opts, cmd) => {
      const ctx = contextOf(cmd);
      const connection = ctx.connection();
      const endpoint = new URL(`${connection.baseUrl}/mcp`);
      ctx.note(`aws-mcp: MCP over stdio, bridged to ${endpoint.href}`);
      await runStdioBridge({
        endpoint,
        credentials: connection.credentials!,
        userAgent: `aws-mcp-cli/${cliVersion()} (mcp stdio bridge)`,
        note: (m) => ctx.note(`aws-mcp: ${m}`),
      });
    });
}
