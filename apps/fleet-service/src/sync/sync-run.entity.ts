import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `fleet.sync_runs`; counts are summed from its tasks when read. */
@Entity({ name: 'sync_runs' })
export class SyncRunEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  trigger!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'jsonb' })
  request!: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  started_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at!: Date | null;

  /** Why the run ended early (interrupted), or null. */
  @Column({ type: 'text', nullable: true })
  status_reason!: string | null;

  /** The instance running it, which renews `lease_until` while it runs; an expired lease means the instance is gone. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lease_owner!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lease_until!: Date | null;
}
