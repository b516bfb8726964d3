import { AuthInfo, createMcpHandler, McpHttpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { Identity, identityKey, Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException } from '@app/contracts';
import { productVersion } from '@app/platform';
import { Controller, Delete, Get, Inject, Logger, OnModuleDestroy, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditRecorder } from '../audit/audit.recorder';
import { Authenticator } from '../auth/authenticator';
import { clientAddress } from '../auth/current-identity';
import { RequestLimits } from '../auth/request-limits';
import { MCP_TOOLS } from './mcp-catalog';
import { credentialHeaders, hostAllowed, protectedResourceMetadata, publicBase, RESOURCE_METADATA_PATH } from './mcp-door';
import { McpCaller, McpServerFactory, toolsFor } from './mcp-server.factory';

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
  private readonly handler: McpHttpHandler;
  private readonly node: ReturnType<typeof toNodeHandler>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authenticator: Authenticator,
    private readonly limits: RequestLimits,
    private readonly audit: AuditRecorder,
    factory: McpServerFactory,
  ) {
    const version = productVersion();
    this.handler = createMcpHandler(
      ({ authInfo }) => {
        const caller = authInfo && this.callers.get(authInfo);
        if (!caller) throw new Error('MCP request without an authenticated caller');
        return factory.create(caller, version);
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
    const auth: AuthInfo = { token: '', clientId: identity.id, scopes: [] };
    this.callers.set(auth, caller);
    // From here the SDK writes the response; the headers set so far (correlation id, security headers) go with it.
    reply.hijack();
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) reply.raw.setHeader(k, v as string | number | string[]);
    reply.raw.setHeader('cache-control', 'no-store');
    await this.node(Object.assign(req.raw, { auth }), reply.raw, req.body);
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

  async onModuleDestroy(): Promise<void> {
    await this.handler.close();
  }
}
