import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `integration.integrations`. Secret values live only in `secrets`, sealed with SecretBox. */
@Entity({ name: 'integrations' })
export class IntegrationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 16 })
  direction!: string;

  @Column({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'integer' })
  timeout_seconds!: number;

  @Column({ type: 'integer' })
  rate_limit_per_minute!: number;

  @Column({ type: 'jsonb' })
  tags!: Record<string, string>;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  auth!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  health_check!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  retry!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  connection!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  secrets!: string | null;

  /** SubscriptionDto[]: which events this integration receives. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  subscriptions!: Record<string, unknown>[];

  /** DeliverySettingsDto. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  delivery!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  status_reason!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  status_changed_at!: Date | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
