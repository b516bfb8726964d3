import type { Readable, Writable } from 'node:stream';
import type { Credentials } from '@app/api-client';
import { type JSONRPCMessage, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

export interface BridgeOptions {
  /** The gateway's MCP endpoint, e.g. `http://127.0.0.1:8000/mcp`. */
  endpoint: URL;
  credentials: Credentials;
  userAgent: string;
  /** Where diagnostics go (never stdout: that is the protocol). */
  note: (message: string) => void;
  stdin?: Readable;
  stdout?: Writable;
}

type RequestLike = { id: string | number; method: string };
const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & RequestLike => 'method' in m && 'id' in m && m.id !== undefined;
const isResponseTo = (m: JSONRPCMessage, id: string | number): boolean => !('method' in m) && 'id' in m && m.id === id;

/**
 * A fetch that adds the CLI's credentials (an API key, or a login's tokens that renew themselves) and retries once
 * after a 401 the credentials could renew, as the API client does.
 */
function credentialedFetch(credentials: Credentials, userAgent: string): typeof fetch {
  return async (input, init) => {
    const attempt = async () => {
      const auth = await credentials.headers();
      const headers = new Headers(init?.headers);
      for (const [k, v] of Object.entries(auth)) headers.set(k, v);
      headers.set('user-agent', userAgent);
      return { auth, response: await fetch(input, { ...init, headers }) };
    };
    const first = await attempt();
    if (first.response.status !== 401 || !credentials.renew || !(await credentials.renew(first.auth))) return first.response;
    await first.response.body?.cancel();
    return (await attempt()).response;
  };
}

/**
 * stdio ↔ Streamable HTTP: every JSON-RPC message read from stdin is POSTed to the gateway's /mcp and every message
 * the gateway sends (responses, progress, elicitation requests, the GET stream) is written to stdout. Both ends are
 * the SDK's own transports, so framing, sessions, the protocol-version header and SSE resumption are theirs; the
 * bridge only pairs them. It resolves when either side closes.
 */
export async function runStdioBridge(opts: BridgeOptions): Promise<void> {
  const stdio = new StdioServerTransport(opts.stdin, opts.stdout);
  const http = new StreamableHTTPClientTransport(opts.endpoint, { fetch: credentialedFetch(opts.credentials, opts.userAgent) });
  let initializeId: string | number | undefined;
  let closing = false;

  const done = new Promise<void>((resolve) => {
    const closeBoth = () => {
      if (closing) return;
      closing = true;
      // Ends the gateway session (DELETE /mcp) where there is one, then the pipe.
      void (http.sessionId ? http.terminateSession().catch(() => undefined) : Promise.resolve())
        .then(() => Promise.allSettled([http.close(), stdio.close()]))
        .then(() => resolve());
    };
    stdio.onclose = closeBoth;
    http.onclose = closeBoth;
  });

  stdio.onerror = (e) => opts.note(`stdio: ${e.message}`);
  http.onerror = (e) => opts.note(`gateway: ${e.message}`);

  http.onmessage = (message) => {
    // The HTTP transport sends MCP-Protocol-Version on every request after initialize; a Client would tell it the
    // negotiated version, so the bridge does the same when the initialize result passes through.
    if (initializeId !== undefined && isResponseTo(message, initializeId) && 'result' in message) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') http.setProtocolVersion(version);
      initializeId = undefined;
    }
    stdio.send(message).catch((e: Error) => opts.note(`stdio: ${e.message}`));
  };

  stdio.onmessage = (message) => {
    if (isRequest(message) && message.method === 'initialize') initializeId = message.id;
    http.send(message).catch((e: Error) => {
      opts.note(`gateway: ${e.message}`);
      // A request must get an answer, or the assistant waits for ever: the failure as a JSON-RPC error.
      if (isRequest(message)) {
        const error: JSONRPCMessage = { jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `The gateway at ${opts.endpoint.origin} did not answer: ${e.message}`.slice(0, 500) } };
        stdio.send(error).catch(() => undefined);
      }
    });
  };

  await http.start();
  await stdio.start();
  await done;
}
