import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `health.state`: where the thresholds stand for one integration. */
@Entity({ name: 'state' })
export class HealthStateEntity {
  @PrimaryColumn('uuid')
  integration_id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'integer' })
  consecutive_failures!: number;

  @Column({ type: 'integer' })
  consecutive_successes!: number;

  @Column({ type: 'timestamptz', nullable: true })
  status_changed_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  last_check_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  last_success_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  last_error_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  last_error!: string | null;

  @Column({ type: 'integer', nullable: true })
  last_error_status_code!: number | null;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
