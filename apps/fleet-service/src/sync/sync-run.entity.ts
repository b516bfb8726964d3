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
}
