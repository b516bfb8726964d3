import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `gateway.api_keys`. The key's secret part is kept only as its SHA-256. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Public id inside the key (`mcp_<key_id>_<secret>`), used to find the row. */
  @Column({ type: 'varchar', length: 32 })
  key_id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: string;

  @Column({ type: 'char', length: 64 })
  secret_hash!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  created_by!: string | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expires_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  last_used_at!: Date | null;
}
