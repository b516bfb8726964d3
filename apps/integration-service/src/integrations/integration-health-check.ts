import { AuthConfigDto, ProbeResultDto } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { ConnectorRegistry, OutboundHttp } from '../connectors';
import { ConnectorContextFactory } from './connector-context.factory';
import { IntegrationEntity } from './integration.entity';
import { IntegrationMapper } from './integration.mapper';

interface HealthCheckSettings {
  endpoint: string | null;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  expected_status_code: number;
  timeout_seconds: number;
}

export type HealthVerdict = Pick<ProbeResultDto, 'healthy' | 'status_code' | 'error' | 'method'>;

/**
 * What "this integration is healthy" means, in one place: the background check (probe) and the connection test
 * judge the same thing. With `health_check.endpoint`, an HTTP request to it with the integration's auth applied
 * and the expected status; without, the connector's own check (gRPC health, SQS queue attributes, SELECT 1, NATS
 * round trip, writable directory, ...). Bounded by `health_check.timeout_seconds`, or `maxMs` when that is shorter
 * (the connection test answers within the request bound).
 */
@Injectable()
export class IntegrationHealthCheck {
  constructor(
    private readonly connectors: ConnectorContextFactory,
    private readonly registry: ConnectorRegistry,
    private readonly mapper: IntegrationMapper,
  ) {}

  async run(row: IntegrationEntity, opts: { maxMs?: number } = {}): Promise<HealthVerdict> {
    // with its credentials (headers, a password in the endpoint URL) in clear
    const hc = this.mapper.open(row).health_check as unknown as HealthCheckSettings;
    const ms = Math.min(hc.timeout_seconds * 1000, opts.maxMs ?? Infinity);
    return hc.endpoint ? { method: 'endpoint', ...(await this.viaEndpoint(row, hc, ms)) } : { method: 'connector', ...(await this.viaConnector(row, ms)) };
  }

  private async viaEndpoint(row: IntegrationEntity, hc: HealthCheckSettings, ms: number): Promise<Omit<HealthVerdict, 'method'>> {
    const ctx = this.connectors.context(row, ms);
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

  private async viaConnector(row: IntegrationEntity, ms: number): Promise<Omit<HealthVerdict, 'method'>> {
    let connector;
    let timer: NodeJS.Timeout | undefined;
    try {
      connector = this.connectors.create(row, ms);
      const check = (async () => {
        await connector.initialize();
        return connector.healthCheck();
      })();
      const result = await Promise.race([
        check,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`health check did not finish within ${ms / 1000} s`)), ms))),
      ]);
      return { healthy: result.healthy, status_code: result.statusCode ?? null, error: result.healthy ? null : (result.error ?? `health check failed${result.statusCode ? ` with status ${result.statusCode}` : ''}`) };
    } catch (e) {
      return { healthy: false, status_code: null, error: (e as Error).message };
    } finally {
      clearTimeout(timer);
      await connector?.close().catch(() => undefined);
    }
  }
}
