import { createPrivateKey } from 'node:crypto';
import { ChannelCredentials, ChannelOptions, Client, connectivityState, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { MethodDefinition } from '@grpc/proto-loader';
import { AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { Connector, ConnectorContext, ConnectorError, ConnectorPlugin, HealthResult, OutboundMessage, SendResult } from '../../connector.port';
import { LookupFn, OutboundGuard } from '../../http/outbound-guard';
import { joinHostPort, parseIp } from '../../http/ip-address';
import { findUnaryMethod, healthDefinition, loadProtoText, MAX_PROTO_CHARS, ProtoError } from './proto-text';
import { renderTemplate } from './request-template';
import { checkCaBundle } from '../tls-ca';
import { GRPC_FIELDS } from '../../connection-fields';

export interface GrpcConnection {
  /** The .proto source text (imports limited to google/protobuf well-known types). */
  proto: string;
  /** Fully qualified service name, e.g. `acme.notify.v1.Notifier`. */
  service: string;
  /** A unary method of that service. */
  method: string;
  /** host:port */
  address: string;
  tls: boolean;
  /** Event → request message; see renderTemplate. Without it the request is the event's `data`. */
  request_template?: Record<string, unknown>;
  /** Service name sent to grpc.health.v1.Health/Check; '' (the default) asks for the whole server. */
  health_service: string;
  /** PEM CA bundle for servers with a private CA when not using CERTIFICATE auth (which carries its own `ca`). */
  ca?: string;
}

/** Statuses another attempt may get past; everything else (INVALID_ARGUMENT, PERMISSION_DENIED, ...) will not. */
const RETRYABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED]);
const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const QUALIFIED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

function validateGrpcConnection(c: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof c.address !== 'string' || !ADDRESS.test(c.address) || Number(ADDRESS.exec(c.address)?.[2]) > 65535) {
    errors.push({ field: 'address', message: 'must be host:port' });
  }
  if (typeof c.service !== 'string' || !QUALIFIED.test(c.service)) errors.push({ field: 'service', message: 'must be a fully qualified service name' });
  if (typeof c.method !== 'string' || !/^[A-Za-z_]\w*$/.test(c.method)) errors.push({ field: 'method', message: 'must be a method name' });
  if (c.tls !== undefined && typeof c.tls !== 'boolean') errors.push({ field: 'tls', message: 'must be a boolean' });
  if (c.request_template !== undefined && (typeof c.request_template !== 'object' || c.request_template === null || Array.isArray(c.request_template) || JSON.stringify(c.request_template).length > 65536)) {
    errors.push({ field: 'request_template', message: 'must be an object (at most 64 KiB as JSON)' });
  }
  if (c.health_service !== undefined && (typeof c.health_service !== 'string' || (c.health_service !== '' && !QUALIFIED.test(c.health_service)))) {
    errors.push({ field: 'health_service', message: 'must be a service name or empty' });
  }
  checkCaBundle(c, errors);
  if (typeof c.proto !== 'string' || c.proto.length === 0 || c.proto.length > MAX_PROTO_CHARS) {
    errors.push({ field: 'proto', message: `is required (the .proto source, at most ${MAX_PROTO_CHARS} characters)` });
    return errors;
  }
  // Parsing here means a wrong service/method is reported when the integration is saved, not at first delivery.
  try {
    const found = findUnaryMethod(loadProtoText(c.proto), String(c.service), String(c.method));
    if ('problem' in found && !errors.some((e) => e.field === found.problem.field)) errors.push(found.problem);
  } catch (e) {
    errors.push({ field: 'proto', message: e instanceof ProtoError ? e.message : 'does not load' });
  }
  return errors;
}

function pemKey(key: string, passphrase?: string): Buffer {
  // grpc-js cannot take a passphrase: decrypt here and hand over an unencrypted PKCS#8 key.
  return Buffer.from(passphrase ? (createPrivateKey({ key, passphrase }).export({ type: 'pkcs8', format: 'pem' }) as string) : key);
}

/**
 * The channel target: the address the guard checked, not the name, which grpc-js would resolve again on its own
 * (DNS rebinding). The name stays the TLS server name (SNI, certificate check) and the :authority, as if
 * grpc-js had resolved it. grpc-js reconnects to a literal target without resolving, so the channel keeps it.
 */
export async function pinnedTarget(address: string, guard: OutboundGuard): Promise<{ target: string; options: ChannelOptions }> {
  const [, bracketed, port] = ADDRESS.exec(address) as RegExpExecArray;
  const host = bracketed.replace(/^\[|\]$/g, '');
  const [checked] = await guard.resolve(host);
  const target = joinHostPort(checked, Number(port));
  if (parseIp(host)) return { target, options: {} };
  return { target, options: { 'grpc.ssl_target_name_override': host, 'grpc.default_authority': address } };
}

export class GrpcConnector implements Connector {
  private readonly cfg: GrpcConnection;
  private readonly methodDef: MethodDefinition<object, object>;
  private client?: Client;
  /** Memoised so that concurrent first calls share one channel. */
  private opening?: Promise<Client>;

  constructor(
    private readonly ctx: ConnectorContext,
    /** DNS override (tests); the guard still checks every answer. */
    private readonly lookup?: LookupFn,
  ) {
    ConnectorError.throwIfInvalid(validateGrpcConnection(ctx.connection));
    const c = ctx.connection;
    this.cfg = {
      proto: c.proto as string,
      service: c.service as string,
      method: c.method as string,
      address: c.address as string,
      tls: c.tls === true,
      request_template: c.request_template as Record<string, unknown> | undefined,
      health_service: (c.health_service as string | undefined) ?? '',
      ca: c.ca as string | undefined,
    };
    this.methodDef = findUnaryMethod(loadProtoText(this.cfg.proto), this.cfg.service, this.cfg.method) as MethodDefinition<object, object>;
  }

  private channelCredentials(): ChannelCredentials {
    const a = this.ctx.auth;
    if (a.type === AuthType.CERTIFICATE) {
      if (!this.cfg.tls) throw new ConnectorError('CERTIFICATE auth needs tls: true');
      if (!a.certificate || !a.private_key) throw new ConnectorError('CERTIFICATE auth needs certificate and private_key');
      return credentials.createSsl(a.ca ? Buffer.from(a.ca) : this.cfg.ca ? Buffer.from(this.cfg.ca) : null, pemKey(a.private_key, a.passphrase), Buffer.from(a.certificate));
    }
    return this.cfg.tls ? credentials.createSsl(this.cfg.ca ? Buffer.from(this.cfg.ca) : null) : credentials.createInsecure();
  }

  private channel(): Promise<Client> {
    this.opening ??= (async () => {
      const { target, options } = await pinnedTarget(this.cfg.address, new OutboundGuard(this.ctx.outbound, this.lookup));
      return (this.client = new Client(target, this.channelCredentials(), options));
    })().catch((e) => {
      this.opening = undefined;
      throw e;
    });
    return this.opening;
  }

  /** A channel that cannot connect is dropped, so that the next call resolves and checks the name again (it may have moved). */
  private dropIfDown(): void {
    const client = this.client;
    if (!client || client.getChannel().getConnectivityState(false) !== connectivityState.TRANSIENT_FAILURE) return;
    this.client = undefined;
    this.opening = undefined;
    client.close();
  }

  private metadata(message?: OutboundMessage): Metadata {
    const md = new Metadata();
    const a = this.ctx.auth;
    if (a.type === AuthType.BEARER_TOKEN && a.token) md.set('authorization', `Bearer ${a.token}`);
    if (a.type === AuthType.API_KEY && a.api_key) md.set((a.name ?? 'x-api-key').toLowerCase(), a.api_key);
    if (message) {
      md.set('x-delivery-id', message.deliveryId);
      md.set('ce-id', message.event.id);
      md.set('ce-type', message.event.type);
    }
    return md;
  }

  private unary<Req, Res>(client: Client, def: MethodDefinition<Req, Res>, request: Req, md: Metadata): Promise<Res> {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, md, { deadline: Date.now() + this.ctx.timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res as Res),
      );
    });
  }

  async initialize(): Promise<void> {
    const client = await this.channel();
    // Fail early on an unreachable server; waitForReady honours the deadline instead of hanging.
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + this.ctx.timeoutMs, (err) => {
        if (!err) return resolve();
        this.dropIfDown();
        reject(new ConnectorError(`cannot reach ${this.cfg.address}: ${err.message}`, true));
      }),
    );
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const started = Date.now();
    try {
      const client = await this.channel();
      const scope = { event: message.event, delivery_id: message.deliveryId, attempt: message.attempt };
      const data = message.event.data;
      const request = this.cfg.request_template ? renderTemplate(this.cfg.request_template, scope) : data !== null && typeof data === 'object' ? data : {};
      await this.unary(client, this.methodDef, request as object, this.metadata(message));
      return { ok: true, retryable: false, statusCode: status.OK, durationMs: Date.now() - started };
    } catch (e) {
      if (e instanceof ConnectorError) return { ok: false, retryable: e.retryable, error: e.message, durationMs: Date.now() - started };
      const err = e as ServiceError;
      if (err.code === status.UNAVAILABLE) this.dropIfDown();
      return { ok: false, retryable: RETRYABLE.has(err.code), statusCode: err.code, error: `${status[err.code] ?? err.code}: ${err.details ?? err.message}`, durationMs: Date.now() - started };
    }
  }

  async healthCheck(): Promise<HealthResult> {
    const started = Date.now();
    const check = findUnaryMethod(healthDefinition(), 'grpc.health.v1.Health', 'Check') as MethodDefinition<{ service: string }, { status: string }>;
    try {
      const res = await this.unary(await this.channel(), check, { service: this.cfg.health_service }, this.metadata());
      const healthy = res.status === 'SERVING';
      return { healthy, latencyMs: Date.now() - started, details: { status: res.status }, ...(healthy ? {} : { error: `health status ${res.status}` }) };
    } catch (e) {
      if (e instanceof ConnectorError) return { healthy: false, latencyMs: Date.now() - started, error: e.message };
      const err = e as ServiceError;
      if (err.code === status.UNAVAILABLE) this.dropIfDown();
      // A server without the health service answered, so it is up: report that rather than a false alarm.
      if (err.code === status.UNIMPLEMENTED) return { healthy: true, latencyMs: Date.now() - started, details: { status: 'UNIMPLEMENTED', note: 'server has no grpc.health.v1 service' } };
      return { healthy: false, latencyMs: Date.now() - started, statusCode: err.code, error: `${status[err.code] ?? err.code}: ${err.details ?? err.message}` };
    }
  }

  async close(): Promise<void> {
    // An open still in flight would otherwise leave a client behind.
    const client = this.client ?? (await this.opening?.catch(() => undefined));
    this.client = undefined;
    this.opening = undefined;
    client?.close();
  }
}

export const grpcPlugin: ConnectorPlugin = {
  type: IntegrationType.GRPC,
  directions: [Direction.OUTBOUND],
  authTypes: [AuthType.NONE, AuthType.BEARER_TOKEN, AuthType.API_KEY, AuthType.CERTIFICATE],
  description: 'Calls a unary gRPC method with a request mapped from the event (proto given as text); health through grpc.health.v1.',
  connectionFields: GRPC_FIELDS,
  validateConnection: validateGrpcConnection,
  create: (context) => new GrpcConnector(context),
};
