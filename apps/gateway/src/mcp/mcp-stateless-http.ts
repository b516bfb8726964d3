import {
  type AuthInfo,
  classifyInboundRequest,
  isInitializeRequest,
  isJsonContentType,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type McpServer,
  type MessageExtraInfo,
  parseJSONRPCMessage,
  type RequestId,
  SUPPORTED_PROTOCOL_VERSIONS,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** The SDK's SSE keep-alive period (DEFAULT_SSE_KEEP_ALIVE_MS): a long tool call still shows traffic to proxies. */
const KEEP_ALIVE_MS = 15_000;

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' } as const;

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

/**
 * The one request of a POST that this door serves without the SDK's web-standard bridge, or undefined for everything
 * else (which the SDK's own handler answers, errors included). That is a single 2025-era JSON-RPC request, as the
 * SDK's classifier sees it, that the SDK's stateless legacy serving would accept: JSON body and content type, both
 * media types accepted, a supported MCP-Protocol-Version (or none, or an initialize). The factory passes no
 * supportedProtocolVersions, so the SDK's list is the server's.
 */
export function statelessRequest(method: string, headers: IncomingHttpHeaders, body: unknown): JSONRPCRequest | undefined {
  if (method !== 'POST' || !body || typeof body !== 'object' || Array.isArray(body) || !('method' in body) || !('id' in body)) return undefined;
  if (!isJsonContentType(header(headers, 'content-type') ?? null)) return undefined;
  const accept = header(headers, 'accept');
  if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  const protocolVersion = header(headers, 'mcp-protocol-version');
  const route = classifyInboundRequest({ httpMethod: method, protocolVersionHeader: protocolVersion, mcpMethodHeader: header(headers, 'mcp-method'), mcpNameHeader: header(headers, 'mcp-name'), body });
  if (route.kind !== 'legacy') return undefined;
  let message: JSONRPCMessage;
  try {
    message = parseJSONRPCMessage(body);
  } catch {
    return undefined;
  }
  if (!('method' in message) || !('id' in message)) return undefined;
  if (!(message.method === 'initialize' && isInitializeRequest(message)) && protocolVersion !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) return undefined;
  return message;
}

/**
 * The SDK's stateless Streamable HTTP answer to one request, written straight to Node's response: what
 * `createMcpHandler`'s legacy fallback does through web-standard Request, Response and streams (a fresh
 * WebStandardStreamableHTTPServerTransport per request), which cost more CPU than the rest of the call. One transport
 * per request, connected to a server built for this request only: the same SSE frames and headers, a keep-alive
 * comment every 15 s, the messages related to the request on its stream and the others dropped (a stateless server
 * has no standalone stream), the response ended with the request's answer, and a client that goes away closes the
 * server, which aborts the tool's signal.
 */
export class StatelessHttpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  private closed = false;
  private keepAlive?: NodeJS.Timeout;

  private constructor(
    private readonly res: ServerResponse,
    private readonly requestId: RequestId,
  ) {}

  /** Serves `request` with `server` (fresh for it) on `res`; resolves once the request is handed to the server. */
  static async serve(server: McpServer, request: JSONRPCRequest, res: ServerResponse, authInfo: AuthInfo): Promise<void> {
    const transport = new StatelessHttpTransport(res, request.id);
    await server.connect(transport);
    res.once('close', () => void server.close());
    if (res.destroyed) return void server.close();
    res.writeHead(200, SSE_HEADERS);
    transport.keepAlive = setInterval(() => res.write(': keepalive\n\n'), KEEP_ALIVE_MS);
    transport.keepAlive.unref();
    transport.onmessage?.(request, { authInfo });
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    // The protocol layer builds these messages, so their shape is known: an answer has an id and no method.
    const answer = 'id' in message && !('method' in message);
    if ((answer ? message.id : options?.relatedRequestId) !== this.requestId || this.closed) return;
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    if (answer) await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    if (!this.res.writableEnded) this.res.end();
    this.onclose?.();
  }
}
