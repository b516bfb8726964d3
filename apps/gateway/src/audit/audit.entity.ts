import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row of `gateway.audit_log`: one per mutating request or door action (an MCP tool call). Never bodies, never credentials. */
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

  /** rest | mcp | graphql | console */
  @Column({ type: 'varchar', length: 16, default: 'rest' })
  door!: string;

  /** What was done: `POST /api/v1/commands` for REST, the tool's name for MCP. */
  @Column({ type: 'varchar', length: 256, nullable: true })
  action!: string | null;

  /** The action's arguments with secrets censored (doors that have arguments apart from a body: MCP, GraphQL). */
  @Column({ type: 'jsonb', nullable: true })
  arguments!: unknown;

  @Column({ type: 'varchar', length: 32, nullable: true })
  outcome!: string | null;
}
