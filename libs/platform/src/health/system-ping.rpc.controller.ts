import { InstanceInfo, RpcSubjects } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller, Inject } from '@nestjs/common';
import { READINESS_CHECKS, ReadinessCheck, ShutdownState } from './readiness';
import { RUNTIME_INFO, RuntimeInfo } from '../runtime/runtime-info';

/** Every instance of every app answers `rpc.system.ping` (no queue group) with who it is and whether it is ready. */
@Controller()
export class SystemPingRpcController {
  constructor(
    @Inject(RUNTIME_INFO) private readonly info: RuntimeInfo,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly shutdown: ShutdownState,
  ) {}

  @OnMessage(RpcSubjects.SystemPing)
  async ping(): Promise<InstanceInfo> {
    const checks: InstanceInfo['checks'] = {};
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await c.check();
          checks[c.name] = { status: 'up' };
        } catch (e) {
          checks[c.name] = { status: 'down', message: (e as Error).message };
        }
      }),
    );
    return {
      app: this.info.app,
      instance_id: this.info.instanceId,
      version: this.info.version,
      started_at: this.info.startedAt.toISOString(),
      uptime_seconds: Math.round((Date.now() - this.info.startedAt.getTime()) / 1000),
      ready: !this.shutdown.shuttingDown && Object.values(checks).every((c) => c.status === 'up'),
      checks,
    };
  }
}
