import { AuthType, DeliverySettingsDto, IntegrationConfigDto, IntegrationDto, IntegrationStatus, PublicIntegration } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { IntegrationEntity } from './integration.entity';
import { maskSecrets, mergeSecrets, publicParts, SecretBearingParts, SecretValues, splitSecrets } from './secrets/integration-secrets';
import { SECRET_BOX, SecretBox } from './secrets/secret-box';

/** Turns configs into rows (sealing secrets) and rows into what the API and events may show. */
@Injectable()
export class IntegrationMapper {
  constructor(@Inject(SECRET_BOX) private readonly box: SecretBox) {}

  toEntity(id: string, config: IntegrationConfigDto, secrets: SecretValues, publicCopy: SecretBearingParts, status: IntegrationStatus, createdAt: Date, updatedAt: Date): IntegrationEntity {
    const row = new IntegrationEntity();
    Object.assign(row, {
      id,
      name: config.name,
      description: config.description,
      type: config.type,
      direction: config.direction,
      version: config.version,
      status,
      enabled: config.enabled,
      timeout_seconds: config.timeout_seconds,
      rate_limit_per_minute: config.rate_limit_per_minute,
      tags: config.tags,
      metadata: publicCopy.metadata ?? config.metadata,
      auth: publicCopy.auth,
      health_check: publicCopy.health_check,
      retry: { ...config.retry },
      connection: publicCopy.connection,
      subscriptions: JSON.parse(JSON.stringify(config.subscriptions ?? [])),
      delivery: { ...new DeliverySettingsDto(), ...config.delivery },
      secrets: Object.keys(secrets).length ? this.box.seal(JSON.stringify(secrets), id) : null,
      status_reason: null,
      status_changed_at: createdAt,
      created_at: createdAt,
      updated_at: updatedAt,
    });
    return row;
  }

  /** The config's credentials (secret fields, credential-named keys such as headers, URL passwords) apart from what may be shown. */
  split(config: IntegrationConfigDto) {
    return splitSecrets(this.partsOf(config));
  }

  /** The config as given, with the stored value wherever a secret came back masked (what is validated and used). */
  resolved(config: IntegrationConfigDto, publicCopy: SecretBearingParts, secrets: SecretValues): IntegrationConfigDto {
    const open = mergeSecrets(publicCopy, secrets);
    return { ...config, auth: open.auth as unknown as IntegrationConfigDto['auth'], connection: open.connection, health_check: open.health_check as unknown as IntegrationConfigDto['health_check'], metadata: open.metadata ?? config.metadata };
  }

  /** A stored row's parts with its secrets in clear: for connectors and health checks, inside this service only. */
  open(row: IntegrationEntity): SecretBearingParts {
    return mergeSecrets(this.partsOf(row), this.secretsOf(row));
  }

  private partsOf(x: { auth: object; connection: object; health_check: object; metadata?: object }): SecretBearingParts {
    return { auth: { ...x.auth }, connection: x.connection as Record<string, unknown>, health_check: { ...x.health_check }, metadata: (x.metadata ?? {}) as Record<string, unknown> };
  }

  secretsOf(row: IntegrationEntity): SecretValues {
    return row.secrets ? (JSON.parse(this.box.open(row.secrets, row.id)) as SecretValues) : {};
  }

  /** The API view: secrets masked. */
  toDto(row: IntegrationEntity): IntegrationDto {
    const { auth, connection, health_check, metadata } = maskSecrets(this.partsOf(row), row.secrets ? Object.keys(this.secretsOf(row)) : []);
    return { ...this.common(row), auth: auth as unknown as IntegrationDto['auth'], connection, health_check: health_check as unknown as IntegrationDto['health_check'], metadata: metadata ?? {} };
  }

  /** The event view: no secret values at all. */
  toPublic(row: IntegrationEntity): PublicIntegration {
    const { auth, connection, health_check, metadata } = publicParts(this.partsOf(row));
    return { ...this.common(row), auth: { ...auth, type: (row.auth.type as AuthType) ?? AuthType.NONE }, connection, health_check: health_check as unknown as PublicIntegration['health_check'], metadata: metadata ?? {} };
  }

  private common(row: IntegrationEntity) {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      type: row.type as IntegrationDto['type'],
      direction: row.direction as IntegrationDto['direction'],
      version: row.version,
      status: row.status as IntegrationStatus,
      status_reason: row.status_reason ?? null,
      enabled: row.enabled,
      timeout_seconds: row.timeout_seconds,
      rate_limit_per_minute: row.rate_limit_per_minute,
      tags: row.tags,
      metadata: row.metadata,
      health_check: row.health_check as unknown as IntegrationDto['health_check'],
      retry: row.retry as unknown as IntegrationDto['retry'],
      subscriptions: (row.subscriptions ?? []) as unknown as IntegrationDto['subscriptions'],
      delivery: { ...new DeliverySettingsDto(), ...(row.delivery ?? {}) } as IntegrationDto['delivery'],
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
  }
}
