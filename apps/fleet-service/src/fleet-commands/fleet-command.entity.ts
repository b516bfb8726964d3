import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `fleet.command_jobs`: one fleet command, who asked for it and how it went. */
@Entity({ name: 'command_jobs' })
export class CommandJobEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) command!: string;
  @Column({ type: 'varchar', length: 64 }) service!: string;
  @Column({ type: 'varchar', length: 128 }) operation!: string;
  @Column({ type: 'boolean' }) mutating!: boolean;
  /** The request's targets as given (account_ids, regions, account_tags). */
  @Column({ type: 'jsonb' }) targets!: { account_ids: string[] | 'all'; regions: string[] | '*'; account_tags?: Record<string, string> };
  @Column({ type: 'integer' }) max_concurrency!: number;
  /** "3" or "10%". */
  @Column({ type: 'varchar', length: 8 }) max_errors!: string;
  @Column({ type: 'integer' }) timeout_seconds!: number;
  @Column({ type: 'boolean' }) allow_mutations!: boolean;
  @Column({ type: 'varchar', length: 256 }) requested_by_name!: string;
  @Column({ type: 'varchar', length: 16 }) requested_by_role!: string;
  @Column({ type: 'varchar', length: 16 }) status!: string;
  @Column({ type: 'text', nullable: true }) status_reason!: string | null;
  @Column({ type: 'integer' }) targets_total!: number;
  @Column({ type: 'timestamptz' }) created_at!: Date;
  @Column({ type: 'timestamptz', nullable: true }) finished_at!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) cancel_requested_at!: Date | null;
  @Column({ type: 'varchar', length: 256, nullable: true }) cancelled_by!: string | null;
  /** The fleet-service instance running it; `heartbeat_at` proves it is still alive. */
  @Column({ type: 'varchar', length: 64 }) owner_instance!: string;
  @Column({ type: 'timestamptz' }) heartbeat_at!: Date;
}

/** Row of `fleet.command_results`: one account × region target. */
@Entity({ name: 'command_results' })
export class CommandResultEntity {
  @PrimaryColumn({ type: 'uuid' }) job_id!: string;
  @PrimaryColumn({ type: 'integer' }) seq!: number;
  @Column({ type: 'varchar', length: 12 }) account_id!: string;
  @Column({ type: 'varchar', length: 32 }) region!: string;
  @Column({ type: 'varchar', length: 16 }) status!: string;
  @Column({ type: 'integer', nullable: true }) exit_code!: number | null;
  @Column({ type: 'integer', nullable: true }) duration_ms!: number | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ type: 'text' }) stdout_preview!: string;
  @Column({ type: 'text' }) stderr_preview!: string;
  @Column({ type: 'boolean' }) preview_truncated!: boolean;
  /** bigint: pg returns it as a string. */
  @Column({ type: 'bigint' }) output_bytes!: string | number;
  @Column({ type: 'timestamptz', nullable: true }) started_at!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) finished_at!: Date | null;
}

/** Row of `fleet.command_outputs`: the stored output of one target (bounded by fleet.command_output_max_bytes per stream). */
@Entity({ name: 'command_outputs' })
export class CommandOutputEntity {
  @PrimaryColumn({ type: 'uuid' }) job_id!: string;
  @PrimaryColumn({ type: 'integer' }) seq!: number;
  @Column({ type: 'text' }) stdout!: string;
  @Column({ type: 'text' }) stderr!: string;
  @Column({ type: 'boolean' }) truncated!: boolean;
}
