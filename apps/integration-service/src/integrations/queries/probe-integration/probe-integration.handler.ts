import { AuthConfigDto, ProbeResultDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConnectorRegistry, OutboundHttp } from '../../../connectors';
import { ConnectorContextFactory } from '../../connector-context.factory';
import { IntegrationEntity } from '../../integration.entity';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { ProbeIntegrationQuery } from './probe-integration.query';

interface HealthCheckSettings {
  endpoint: string | null;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  expected_status_code: number;
  timeout_seconds: number;
}

/**
 * One health check of one integration, run here because the secrets are here: with `health_check.endpoint`, an
 * HTTP request with the integration's auth applied; without, the connector's own check (gRPC health, SQS queue
 * attributes, SELECT 1, NATS round trip, writable directory, ...). Only the outcome leaves this service.
 */
@QueryHandler(ProbeIntegrationQuery)
export class ProbeIntegrationHandler implements IQueryHandler<ProbeIntegrationQuery> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly connectors: ConnectorContextFactory,
    private readonly registry: ConnectorRegistry,
  ) {}

  async execute({ id }: ProbeIntegrationQuery): Promise<ProbeResultDto> {
    const row = await this.repo.getOrThrow(id);
    const hc = row.health_check as unknown as HealthCheckSettings;
    const started = performance.now();
    const outcome = hc.endpoint ? await this.viaEndpoint(row, hc) : await this.viaConnector(row, hc);
    return {
      integration_id: id,
      method: hc.endpoint ? 'endpoint' : 'connector',
      latency_ms: Math.round(performance.now() - started),
      checked_at: new Date().toISOString(),
      ...outcome,
    };
  }

  private async viaEndpoint(row: IntegrationEntity, hc: HealthCheckSettings): Promise<Pick<ProbeResultDto, 'healthy' | 'status_code' | 'error'>> {
    const ctx = this.connectors.context(row, hc.timeout_seconds * 1000);
    const provider = this.registry.getAuthProvider(ctx.auth?.type ?? 'NONE');
    if (!provider) return { healthy: false, status_code: null, error: `No auth provider for ${ctx.auth?.type}` };
    const http = new OutboundHttp({ policy: ctx.outbound, timeoutMs: ctx.timeoutMs, tls: provider.tlsOptions?.(ctx.auth as AuthConfigDto) });
    try {
      const res = await http.request(
        { method: hc.method, url: hc.endpoint!, headers: { 'user-agent': 'aws-mcp-server-health/1', ...hc.headers }, ...(hc.body !== null && !['GET', 'HEAD'].includes(hc.method) ? { body: hc.body } : {}) },
        { followRedirects: true, authorize: (r) => provider.apply(r, { auth: ctx.auth, http, logger: ctx.logger }) },
      );
      const healthy = res.status === hc.expected_status_code;
      return { healthy, status_code: res.status, error: healthy ? null : `expected status ${hc.expected_status_code}, got ${res.status}` };
    } catch (e) {
      return { healthy: false, status_code: null, error: (e as Error).message };
    } finally {
      await http.close().catch(() => undefined);
    }
  }

  private async viaConnector(row: IntegrationEntity, hc: HealthCheckSettings): Promise<Pick<ProbeResultDto, 'healthy' | 'status_code' | 'error'>> {
    let connector;
    let timer: NodeJS.Timeout | undefined;
    try {
      connector = this.connectors.create(row, hc.timeout_seconds * 1000);
      const check = (async () => {
        await connector.initialize();
        return connector.healthCheck();
      })();
      const result = await Promise.race([
        check,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`health check did not finish within ${hc.timeout_seconds} s`)), hc.timeout_seconds * 1000))),
      ]);
      return { healthy: result.healthy, status_code: result.statusCode ?? null, error: result.healthy ? null : (result.error ?? 'unhealthy') };
    } catch (e) {
      return { healthy: false, status_code: null, error: (e as Error).message };
    } finally {
      clearTimeout(timer);
      await connector?.close().catch(() => undefined);
    }
  }
}
