import { RequirePermission } from '@app/auth';
import { InstanceInfo, RpcSubjects, ServiceName } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

const EXPECTED = Object.values(ServiceName);

/** The system's own health: every running instance of every app, gathered over NATS. */
@ApiTags('system')
@Controller('api/v1/system')
export class SystemController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Get('health')
  @RequirePermission('SystemRead')
  @ApiOperation({ summary: 'Every running service instance and whether it is ready; names the apps with no instance' })
  @ApiOkResponse({ description: '{ status, instances[], missing[] }' })
  async health(): Promise<{ status: 'ok' | 'degraded'; instances: InstanceInfo[]; missing: string[] }> {
    const instances = await this.bus.gather(RpcSubjects.SystemPing, {});
    instances.sort((a, b) => a.app.localeCompare(b.app) || a.instance_id.localeCompare(b.instance_id));
    const missing = EXPECTED.filter((app) => !instances.some((i) => i.app === app));
    return { status: missing.length || instances.some((i) => !i.ready) ? 'degraded' : 'ok', instances, missing };
  }
}
