import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ApiKeysController } from '../api-keys/api-keys.controller';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditController } from '../audit/audit.controller';
import { AuditRecorder } from '../audit/audit.recorder';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { UsersController } from '../users/users.controller';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator';
import { RequestLimits } from './request-limits';
import { RouteDeclarationsCheck } from './route-declarations.check';
import { SessionsRepository } from './sessions.repository';
import { JWT_SECRET, TokenService } from './token.service';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginThrottle } from './login-throttle';

/**
 * Identity at the edge: login and sessions, users, API keys, the global guard (authentication, per-identity
 * rate limit, permission), request limits and the audit log. Needs JWT_SECRET and the gateway's data source.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuthController, UsersController, ApiKeysController, AuditController],
  providers: [
    TokenService,
    Authenticator,
    AuthService,
    LoginAttemptsRepository,
    LoginThrottle,
    RequestLimits,
    SessionsRepository,
    UsersRepository,
    UsersService,
    ApiKeysRepository,
    ApiKeysService,
    AuditRepository,
    AuditRecorder,
    AuditService,
    RouteDeclarationsCheck,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [Authenticator, RequestLimits, AuditRecorder, AuditService, TokenService, UsersService, ApiKeysService],
})
export class AuthModule {
  static forRoot(opts: { jwtSecret: Buffer }): DynamicModule {
    return { module: AuthModule, providers: [{ provide: JWT_SECRET, useValue: opts.jwtSecret }] };
  }
}
