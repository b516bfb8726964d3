import { randomBytes, randomUUID } from 'node:crypto';
import { Identity, isRole, Role } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException, TokenResponseDto } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';
import { Authenticator, sha256Hex } from './authenticator';
import { LoginThrottle, loginLocked } from './login-throttle';
import { verifyPassword } from './passwords';
import { SessionsRepository } from './sessions.repository';
import { TokenService } from './token.service';

const REFRESH_PREFIX = 'mcr_';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Login, refresh with rotation and reuse detection, logout. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly authenticator: Authenticator,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Tokens, and who logged in (for the audit record). */
  async login(username: string, password: string, address: string): Promise<{ tokens: TokenResponseDto; identity: Identity }> {
    // A slot first, then the password: however many logins arrive at once, no more guesses are checked than the limit.
    await this.throttle.begin(username, address);
    const user = await this.users.findByUsername(username);
    const ok = await verifyPassword(user?.password_hash, password);
    if (!ok || !user || user.disabled || !isRole(user.role)) {
      const { delayMs, lockedForSeconds } = await this.throttle.fail(username, address);
      // The attempted name is logged only when it is a real user: people type passwords into the username field.
      this.logger.warn({ msg: 'login failed', username: user ? user.username : '(unknown user)', client_address: address });
      await sleep(delayMs);
      if (lockedForSeconds) throw loginLocked(lockedForSeconds);
      throw new AppException('AUTH_INVALID_CREDENTIALS', 'Invalid username or password');
    }
    await this.throttle.succeed(username, address);
    this.logger.log({ msg: 'login', username: user.username, client_address: address });
    const sessionId = randomUUID();
    const tokens = await this.startSession(user.id, user.role as Role, sessionId);
    return { tokens, identity: { kind: 'user', id: user.id, name: user.username, role: user.role as Role, sessionId } };
  }

  /** Rotates a refresh token. A token used twice means it was stolen: the whole session ends. */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const refused = () => new AppException('AUTH_TOKEN_INVALID', 'Invalid, expired or already used refresh token');
    if (!refreshToken.startsWith(REFRESH_PREFIX)) throw refused();
    const row = await this.sessions.findByHash(sha256Hex(refreshToken));
    if (!row) throw refused();
    if (row.revoked_at) throw refused();
    if (row.used_at || !(await this.sessions.markUsed(row.id))) {
      await this.sessions.revokeFamily(row.family_id);
      this.authenticator.forgetSession(row.family_id);
      this.logger.warn({ msg: 'refresh token reused: session revoked', session_id: row.family_id, user_id: row.user_id });
      throw refused();
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) throw refused();
    const user = await this.users.findById(row.user_id);
    if (!user || user.disabled || !isRole(user.role)) {
      await this.sessions.revokeFamily(row.family_id);
      throw refused();
    }
    return this.startSession(user.id, user.role as Role, row.family_id);
  }

  /** Ends the session the refresh token belongs to (its access tokens stop working too). Unknown tokens are ignored. */
  async logout(refreshToken: string): Promise<void> {
    if (!refreshToken.startsWith(REFRESH_PREFIX)) return;
    const row = await this.sessions.findByHash(sha256Hex(refreshToken));
    if (!row) return;
    await this.sessions.revokeFamily(row.family_id);
    this.authenticator.forgetSession(row.family_id);
  }

  private async startSession(userId: string, role: Role, familyId: string): Promise<TokenResponseDto> {
    const refreshToken = REFRESH_PREFIX + randomBytes(32).toString('base64url');
    const ttl = this.config.auth.refresh_token_ttl_seconds;
    await this.sessions.insert({ id: randomUUID(), family_id: familyId, user_id: userId, token_hash: sha256Hex(refreshToken), expires_at: new Date(Date.now() + ttl * 1000) });
    return {
      access_token: await this.tokens.issue({ sub: userId, role, sid: familyId }),
      token_type: 'Bearer',
      expires_in: this.tokens.accessTtlSeconds,
      refresh_token: refreshToken,
      refresh_expires_in: ttl,
    };
  }
}
