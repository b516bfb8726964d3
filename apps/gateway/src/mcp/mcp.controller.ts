import { AuthInfo, createMcpHandler, JSONRPCRequest, McpHttpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { Identity, identityKey, Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException } from '@app/contracts';
import { productVersion } from '@app/platform';
import { Controller, Delete, Get, Inject, Logger, OnModuleDestroy, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { AuditRecorder } from '../audit/audit.recorder';
import { Authenticator } from '../auth/authenticator';
import { clientAddress } from '../auth/current-identity';
import { RequestLimits } from '../auth/request-limits';
import { MCP_TOOLS } from './mcp-catalog';
import { credentialHeaders, hostAllowed, protectedResourceMetadata, publicBase, RESOURCE_METADATA_PATH } from './mcp-door';
import { McpCaller, McpServerFactory, toolsFor } from './mcp-server.factory';
import { StatelessHttpTransport, statelessRequest } from './mcp-stateless-http';

/**
 * The MCP door: Streamable HTTP on POST/GET/DELETE /mcp (official SDK, stateless: a fresh server per request, so any
 * replica answers any request), and the RFC 9728 metadata a client is pointed at by a 401. Public to the guard because
 * it authenticates itself, with the same Authenticator and rate limit, to answer 401 with WWW-Authenticate.
 */
@ApiExcludeController()
@Controller()
export class McpController implements OnModuleDestroy {
  private readonly logger = new Logger('MCP');
  /** Callers of requests in flight, by the AuthInfo the SDK hands its factory. */
  private readonly callers = new WeakMap<AuthInfo, McpCaller>();
  /**
   * tools/call requests in flight on this replica, by caller and JSON-RPC id. A 2025-era client cancels with a
   * separate POST of notifications/cancelled, which a stateless server instance cannot relate to anything: the door
   * closes the original request's response instead, which aborts its handler (as a 2026-era client's close does).
   */
  private readonly inFlight = new Map<string, ServerResponse>();
  private readonly handler: McpHttpHandler;
  private readonly node: ReturnType<typeof toNodeHandler>;
  private readonly version = productVersion();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authenticator: Authenticator,
    private readonly limits: RequestLimits,
    private readonly audit: AuditRecorder,
    private readonly factory: McpServerFactory,
  ) {
    this.handler = createMcpHandler(
      ({ authInfo }) => {
        const caller = authInfo && this.callers.get(authInfo);
        if (!caller) throw new Error('MCP request without an authenticated caller');
        return factory.create(caller, this.version);
      },
      { onerror: (e) => this.logger.warn({ msg: 'MCP request failed', err: e.message }) },
    );
    this.node = toNodeHandler(this.handler, { maxRequestBodySize: config.server.body_limit_bytes });
  }

  @Post('mcp')
  @Public()
  post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply);
  }

  @Get('mcp')
  @Public()
  get(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply);
  }

  @Delete('mcp')
  @Public()
  delete(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply);
  }

  @Get(RESOURCE_METADATA_PATH.slice(1))
  @Public()
  metadata(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    this.checkEnabledAndHost(req);
    void reply.header('cache-control', 'public, max-age=300').send(protectedResourceMetadata(this.config, this.base(req)));
  }

  private base(req: FastifyRequest): string {
    return publicBase(this.config, req.protocol, req.host);
  }

  private checkEnabledAndHost(req: FastifyRequest): void {
    if (!this.config.mcp.enabled) throw new AppException('ROUTE_NOT_FOUND', 'The MCP endpoint is turned off (mcp.enabled)');
    if (!hostAllowed(req.headers, this.config)) throw new AppException('FORBIDDEN', 'This Host or Origin is not one the MCP endpoint serves (mcp.allowed_hosts)');
  }

  private async serve(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    this.checkEnabledAndHost(req);
    const identity = await this.authenticate(req, reply);
    this.limits.takeForIdentity(identityKey(identity));
    const caller: McpCaller = { identity, correlationId: String(req.id), clientAddress: clientAddress(req), audit: (a) => this.audit.recordAction(a) };
    this.auditRefusedCall(req.body, caller);
    this.trackCancellation(req.body, identityKey(identity), reply.raw);
    const auth: AuthInfo = { token: '', clientId: identity.id, scopes: [] };
    this.callers.set(auth, caller);
    // From here the SDK writes the response; the headers set so far (correlation id, security headers) go with it.
    reply.hijack();
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) reply.raw.setHeader(k, v as string | number | string[]);
    reply.raw.setHeader('cache-control', 'no-store');
    // A single 2025-era request (nearly all traffic) skips the SDK's web-standard bridge; the rest is the SDK's.
    const request = statelessRequest(req.method, req.headers, req.body);
    if (request) return this.serveStateless(request, caller, auth, reply.raw);
    await this.node(Object.assign(req.raw, { auth }), reply.raw, req.body);
  }

  private async serveStateless(request: JSONRPCRequest, caller: McpCaller, auth: AuthInfo, res: ServerResponse): Promise<void> {
    try {
      const tool = request.method === 'tools/call' && typeof request.params?.name === 'string' ? request.params.name : undefined;
      await StatelessHttpTransport.serve(this.factory.create(caller, this.version, tool), request, res, auth);
    } catch (e) {
      // As the SDK answers a failure to build or connect the server.
      this.logger.warn({ msg: 'MCP request failed', err: (e as Error).message });
      if (res.headersSent) return void res.end();
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: request.id }));
    }
  }

  /** 401 names the metadata document (RFC 9728) so a client can find how to authenticate. */
  private async authenticate(req: FastifyRequest, reply: FastifyReply): Promise<Identity> {
    const challenge = (error?: string) => void reply.header('www-authenticate', `Bearer resource_metadata="${this.base(req)}${RESOURCE_METADATA_PATH}"${error ? `, error="${error}"` : ''}`);
    let identity: Identity | undefined;
    try {
      identity = await this.authenticator.authenticate(credentialHeaders(req.headers));
    } catch (e) {
      if (e instanceof AppException && e.status === 401) challenge('invalid_token');
      throw e;
    }
    if (!identity) {
      challenge();
      throw new AppException('UNAUTHORIZED', 'Authentication required: send Authorization: Bearer <access token or API key>, or X-API-Key');
    }
    return identity;
  }

  /**
   * A call of a tool the caller may not use never reaches a handler (the caller's server does not have it, and the SDK
   * answers "not found"): it is audited here, so attempts show in the trail.
   */
  private auditRefusedCall(body: unknown, caller: McpCaller): void {
    for (const msg of Array.isArray(body) ? body : [body]) {
      if (!msg || typeof msg !== 'object' || (msg as { method?: unknown }).method !== 'tools/call') continue;
      const params = (msg as { params?: { name?: unknown; arguments?: unknown } }).params;
      const name = typeof params?.name === 'string' ? params.name.slice(0, 128) : '';
      if (toolsFor(caller.identity).some((t) => t.name === name)) continue;
      const known = MCP_TOOLS.some((t) => t.name === name);
      caller.audit({ door: 'mcp', action: name || '(none)', arguments: params?.arguments, outcome: known ? 'forbidden' : 'not_found', correlationId: caller.correlationId, clientAddress: caller.clientAddress, identity: caller.identity, method: 'POST', path: '/mcp' });
    }
  }

  private trackCancellation(body: unknown, who: string, res: ServerResponse): void {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return;
    const msg = body as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
    if (msg.method === 'tools/call' && (typeof msg.id === 'string' || typeof msg.id === 'number')) {
      const key = `${who}\u0000${JSON.stringify(msg.id)}`;
      this.inFlight.set(key, res);
      res.once('close', () => this.inFlight.get(key) === res && this.inFlight.delete(key));
    } else if (msg.method === 'notifications/cancelled' && (typeof msg.params?.requestId === 'string' || typeof msg.params?.requestId === 'number')) {
      this.inFlight.get(`${who}\u0000${JSON.stringify(msg.params.requestId)}`)?.destroy();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.handler.close();
  }
}
