import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `health.schedule`: the check settings of one integration (projected from its events) and its lease. */
@Entity({ name: 'schedule' })
export class ScheduleEntity {
  @PrimaryColumn('uuid')
  integration_id!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'boolean' })
  deleted!: boolean;

  @Column({ type: 'boolean' })
  check_enabled!: boolean;

  @Column({ type: 'varchar', length: 16 })
  integration_status!: string;

  @Column({ type: 'integer' })
  interval_seconds!: number;

  @Column({ type: 'integer' })
  timeout_seconds!: number;

  @Column({ type: 'integer' })
  failure_threshold!: number;

  @Column({ type: 'integer' })
  success_threshold!: number;

  @Column({ type: 'timestamptz' })
  next_due_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lease_until!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  lease_token!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  lease_owner!: string | null;

  @Column({ type: 'bigint' })
  missed_slots!: string;

  @Column({ type: 'timestamptz' })
  source_version!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
