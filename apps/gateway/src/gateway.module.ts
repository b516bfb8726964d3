import { ServiceName } from '@app/contracts';
import { AppRuntime, ServiceInfrastructureModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { AuditEntity } from './audit/audit.entity';
import { AuthModule } from './auth/auth.module';
import { CAPABILITY_CONTROLLERS, CapabilitiesModule } from './capabilities.module';
import { RefreshTokenEntity } from './auth/refresh-token.entity';
import { EventsModule } from './events/events.module';
import { GraphqlModule } from './graphql/graphql.module';
import { CreateIdentity1764100000000 } from './migrations/1764100000000-create-identity';
import { LoginAttempts1764600000000 } from './migrations/1764600000000-login-attempts';
import { DoorAudit1765200000000 } from './migrations/1765200000000-door-audit';
import { McpModule } from './mcp/mcp.module';
import { McpController } from './mcp/mcp.controller';
import { UserEntity } from './users/user.entity';
import { HooksController } from './inbound/hooks.controller';
import { InboundController } from './inbound/inbound.controller';
import { SystemController } from './system/system.controller';

const APP = ServiceName.Gateway;
const GATEWAY_ENTITIES = [UserEntity, RefreshTokenEntity, ApiKeyEntity, AuditEntity];
const GATEWAY_MIGRATIONS = [CreateIdentity1764100000000, LoginAttempts1764600000000, DoorAudit1765200000000];

/** The HTTP edge. It owns identities (users, API keys, audit); everything else goes over NATS to the service that owns it. */
@Module({})
export class GatewayModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    const auth = AuthModule.forRoot({ jwtSecret: runtime.jwtSecret });
    return {
      module: GatewayModule,
      imports: [
        // Its own schema `gateway` (identities and audit); readiness checks database + messaging.
        ServiceInfrastructureModule.forRoot(runtime, { app: APP, schema: 'gateway', entities: GATEWAY_ENTITIES, migrations: GATEWAY_MIGRATIONS }),
        auth,
        EventsModule,
        CapabilitiesModule,
        McpModule.forRoot({ jwtSecret: runtime.jwtSecret }),
        ...(runtime.config.graphql.enabled ? [GraphqlModule.forRoot(auth, runtime.config)] : []),
      ],
      // Routes outside the capabilities: inbound hooks, system, the MCP endpoint.
      controllers: [...CAPABILITY_CONTROLLERS, HooksController, InboundController, SystemController, McpController],
    };
  }
}
