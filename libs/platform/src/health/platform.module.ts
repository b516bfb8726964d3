import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RUNTIME_INFO, RuntimeInfo } from '../runtime/runtime-info';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, ShutdownState } from './readiness';
import { SystemPingRpcController } from './system-ping.rpc.controller';

/**
 * What every app has: /health/live, /health/ready, /metrics, the system ping, and the shutdown flag.
 * `checks` is a provider of READINESS_CHECKS built from the app's own dependencies.
 */
@Module({})
export class PlatformModule {
  static forRoot(opts: { info: RuntimeInfo; checks: Provider }): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, SystemPingRpcController],
      providers: [{ provide: RUNTIME_INFO, useValue: opts.info }, ShutdownState, opts.checks],
      exports: [RUNTIME_INFO, ShutdownState, READINESS_CHECKS],
    };
  }
}
export { READINESS_CHECKS };
