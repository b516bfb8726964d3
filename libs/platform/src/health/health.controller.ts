import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckError, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth';
import { metricsRegistry } from '@app/observability';
import { READINESS_CHECKS, ReadinessCheck, ShutdownState } from './readiness';

/** Liveness, readiness (database + messaging) and Prometheus metrics, on every app. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownState,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply) {
    try {
      if (this.shutdown.shuttingDown) {
        return reply.status(503).send({ status: 'error', info: {}, error: { shutdown: { status: 'down', message: 'shutting down' } }, details: {} });
      }
      const result = await this.health.check(this.checks.map((c) => () => this.run(c)));
      return reply.status(200).send(result);
    } catch (e) {
      const body = (e as { getResponse?: () => unknown }).getResponse?.() ?? { status: 'error' };
      return reply.status(503).send(body);
    }
  }

  private async run(c: ReadinessCheck): Promise<HealthIndicatorResult> {
    try {
      await c.check();
      return { [c.name]: { status: 'up' } };
    } catch (e) {
      const result = { [c.name]: { status: 'down' as const, message: (e as Error).message } };
      throw new HealthCheckError(`${c.name} is down`, result);
    }
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply) {
    return reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  }
}
