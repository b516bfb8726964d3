import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row of `health.check_results`: one check, kept for `health.history_retention_days`. */
@Entity({ name: 'check_results' })
export class CheckResultEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  integration_id!: string;

  @Column({ type: 'timestamptz' })
  due_at!: Date;

  @Column({ type: 'timestamptz' })
  started_at!: Date;

  @Column({ type: 'timestamptz' })
  checked_at!: Date;

  @Column({ type: 'varchar', length: 8 })
  outcome!: string;

  @Column({ type: 'integer', nullable: true })
  latency_ms!: number | null;

  @Column({ type: 'integer', nullable: true })
  status_code!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  method!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status_after!: string;

  /** Instance id of the health-monitor process that ran it. */
  @Column({ type: 'varchar', length: 64 })
  runner!: string;
}
