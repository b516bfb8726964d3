/**
 * bench:mcp's baseline: the official SDK's own stateless Streamable HTTP handler (createMcpHandler + toNodeHandler, as
 * the gateway uses) on plain node:http, one `search_resources` tool that returns a fixed result (the gateway's own
 * answer, read from the file given), with no auth, audit, bus or database. Prints its port.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { type CallToolResult, createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const result = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CallToolResult;
const input = z.object({ type: z.string().max(128).optional(), text: z.string().max(256).optional(), limit: z.number().int().min(1).max(500).optional() });

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'bare-mcp', version: '1.0.0' });
  server.registerTool('search_resources', { description: 'Fixed search result (benchmark baseline)', inputSchema: input, annotations: { readOnlyHint: true } }, () => result);
  return server;
});
const node = toNodeHandler(handler);
const http = createServer((req, res) => void node(req, res));
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
