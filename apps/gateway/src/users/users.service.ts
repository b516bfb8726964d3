import { randomBytes } from 'node:crypto';
import { Role } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException, CreateUserRequest, UpdateUserRequest, UserDto } from '@app/contracts';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator';
import { hashPassword } from '../auth/passwords';
import { SessionsRepository } from '../auth/sessions.repository';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

function toUserDto(u: UserEntity): UserDto {
  return { id: u.id, username: u.username, role: u.role as Role, disabled: u.disabled, created_at: new Date(u.created_at).toISOString(), updated_at: new Date(u.updated_at).toISOString() };
}

/** Users managed by admins; the first start creates `admin`. No response ever carries a password or its hash. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly authenticator: Authenticator,
  ) {}

  /** With no users at all: `admin` with BOOTSTRAP_ADMIN_PASSWORD, or a generated password shown once on stderr. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const given = this.config.auth.bootstrap_admin_password;
    const password = given ?? randomBytes(18).toString('base64url');
    const created = await this.users.insert({ username: 'admin', password_hash: await hashPassword(password), role: Role.Admin });
    if (!created) return; // another gateway replica got there first
    if (given) {
      this.logger.log('created the first user "admin" with the password from BOOTSTRAP_ADMIN_PASSWORD');
    } else {
      this.logger.warn('created the first user "admin" with a generated password, written once to stderr; change it after logging in');
      // Straight to stderr, never through the log pipeline (and its shipping): shown this once.
      process.stderr.write(`\n  Initial admin password (shown once): ${password}\n\n`);
    }
  }

  async list(): Promise<UserDto[]> {
    return (await this.users.list()).map(toUserDto);
  }

  async get(id: string): Promise<UserDto> {
    const u = await this.users.findById(id);
    if (!u) throw new AppException('USER_NOT_FOUND', `No user ${id}`);
    return toUserDto(u);
  }

  async create(body: CreateUserRequest): Promise<UserDto> {
    const created = await this.users.insert({ username: body.username, password_hash: await hashPassword(body.password), role: body.role });
    if (!created) throw new AppException('USER_NAME_TAKEN', `A user named ${body.username} already exists`);
    this.logger.log({ msg: 'user created', username: created.username, role: created.role });
    return toUserDto(created);
  }

  async update(id: string, body: UpdateUserRequest): Promise<UserDto> {
    const fields: Partial<UserEntity> = {};
    if (body.role) fields.role = body.role;
    if (body.disabled !== undefined) fields.disabled = body.disabled;
    // hashed before the rows are locked: argon2 takes tens of milliseconds
    if (body.password) fields.password_hash = await hashPassword(body.password);
    const updated = await this.users.changeGuarded(id, fields, (u, otherAdmins) => {
      const losesAdmin = isActiveAdmin(u) && ((body.role && body.role !== Role.Admin) || body.disabled === true);
      if (losesAdmin && otherAdmins === 0) throw new AppException('USER_LAST_ADMIN', 'The last active admin cannot be demoted or disabled');
    });
    if (!updated) throw new AppException('USER_NOT_FOUND', `No user ${id}`);
    if (body.password || body.disabled) await this.sessions.revokeUser(id);
    this.authenticator.forgetUser(id);
    return toUserDto(updated);
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.users.changeGuarded(id, null, (u, otherAdmins) => {
      if (isActiveAdmin(u) && otherAdmins === 0) throw new AppException('USER_LAST_ADMIN', 'The last active admin cannot be deleted');
    });
    if (!deleted) throw new AppException('USER_NOT_FOUND', `No user ${id}`);
    this.authenticator.forgetUser(id);
  }
}

const isActiveAdmin = (u: UserEntity) => u.role === Role.Admin && !u.disabled;
