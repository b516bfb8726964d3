import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row of `gateway.audit_log`: one per mutating request. Never bodies, never credentials. */
@Entity({ name: 'audit_log' })
export class AuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'varchar', length: 16 })
  actor_kind!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  actor_id!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  actor_name!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  role!: string | null;

  @Column({ type: 'varchar', length: 8 })
  method!: string;

  @Column({ type: 'varchar', length: 512 })
  path!: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  route!: string | null;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ type: 'varchar', length: 128 })
  correlation_id!: string;

  @Column({ type: 'varchar', length: 64 })
  client_address!: string;
}
