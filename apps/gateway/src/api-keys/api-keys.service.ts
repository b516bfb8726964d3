import { randomBytes, randomUUID } from 'node:crypto';
import { Identity, Role } from '@app/auth';
import { ApiKeyDto, AppException, CreateApiKeyRequest, CreatedApiKeyDto } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { Authenticator, sha256Hex } from '../auth/authenticator';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toApiKeyDto(k: ApiKeyEntity): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    role: k.role as Role,
    prefix: `mcp_${k.key_id}`,
    created_by: k.created_by,
    created_at: iso(k.created_at)!,
    expires_at: iso(k.expires_at),
    revoked_at: iso(k.revoked_at),
    last_used_at: iso(k.last_used_at),
  };
}

/**
 * API keys for services: `mcp_<key id>_<secret>`, 256 random bits of secret. Only SHA-256(secret) is stored (a
 * slow hash buys nothing against a full-entropy secret and would cost every request).
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly authenticator: Authenticator,
  ) {}

  async create(body: CreateApiKeyRequest, by: Identity | undefined): Promise<CreatedApiKeyDto> {
    const expires = body.expires_at ? new Date(body.expires_at) : null;
    if (expires && expires.getTime() <= Date.now()) {
      throw new AppException('VALIDATION_FAILED', 'expires_at must be in the future', { errors: [{ field: 'expires_at', message: 'must be in the future' }] });
    }
    const keyId = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const row = await this.repo.insert({
      id: randomUUID(),
      key_id: keyId,
      name: body.name,
      role: body.role,
      secret_hash: sha256Hex(secret),
      created_by: by ? `${by.kind}:${by.name}`.slice(0, 128) : null,
      created_at: new Date(),
      expires_at: expires,
    });
    this.logger.log({ msg: 'API key created', key: `mcp_${keyId}`, name: body.name, role: body.role });
    return { ...toApiKeyDto(row), key: `mcp_${keyId}_${secret}` };
  }

  async list(): Promise<ApiKeyDto[]> {
    return (await this.repo.list()).map(toApiKeyDto);
  }

  async revoke(id: string): Promise<void> {
    const row = await this.repo.findById(id);
    if (!row) throw new AppException('API_KEY_NOT_FOUND', `No API key ${id}`);
    await this.repo.revoke(id);
    this.authenticator.forgetApiKeys();
    this.logger.log({ msg: 'API key revoked', key: `mcp_${row.key_id}`, name: row.name });
  }
}
