import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `fleet.sync_tasks`: one account × region (or the account's global task) of a run, with its outcome. */
@Entity({ name: 'sync_tasks' })
export class SyncTaskEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  sync_id!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 12 })
  account_id!: string;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  @Column({ type: 'jsonb' })
  types!: string[];

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'integer' })
  resources_seen!: number;

  @Column({ type: 'integer' })
  discovered!: number;

  @Column({ type: 'integer' })
  changed!: number;

  @Column({ type: 'integer' })
  removed!: number;

  @Column({ type: 'integer', nullable: true })
  duration_ms!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  started_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at!: Date | null;
}
