import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `fleet.resources`: one per ARN, the collector's shape plus first/last seen and removal. */
@Entity({ name: 'resources' })
export class ResourceEntity {
  @PrimaryColumn({ type: 'text' })
  arn!: string;

  @Column({ type: 'varchar', length: 12 })
  account_id!: string;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  @Column({ type: 'varchar', length: 64 })
  service!: string;

  @Column({ type: 'varchar', length: 128 })
  type!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  state!: string;

  @Column({ type: 'jsonb' })
  tags!: Record<string, string>;

  @Column({ type: 'timestamptz', nullable: true })
  created_at!: Date | null;

  @Column({ type: 'jsonb' })
  properties!: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  first_seen_at!: Date;

  @Column({ type: 'timestamptz' })
  last_seen_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  removed_at!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  last_sync_id!: string | null;
}
