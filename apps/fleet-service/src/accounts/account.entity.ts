import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `fleet.accounts`. `external_id` is write-only: never returned, never in events or logs. */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 12 })
  account_id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  role_arn!: string | null;

  @Column({ type: 'varchar', length: 1224, nullable: true })
  external_id!: string | null;

  /** A list of regions, or ["*"] for every enabled region. */
  @Column({ type: 'jsonb' })
  regions!: string[];

  @Column({ type: 'jsonb' })
  tags!: Record<string, string>;

  @Column({ type: 'integer' })
  sync_interval_minutes!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'text', nullable: true })
  status_message!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  status_checked_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  last_sync_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  next_sync_at!: Date | null;

  /** Periodic-sync lease: the instance that claimed the account, until when. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lease_owner!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lease_until!: Date | null;

  /** New with every claim: the sync holding it proves with it that no other claim came since (fencing). */
  @Column({ type: 'uuid', nullable: true })
  lease_token!: string | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
