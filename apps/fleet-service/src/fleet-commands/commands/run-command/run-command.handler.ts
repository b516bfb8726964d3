import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CommandPolicy } from '@app/cli-executor';
import { AppException, CommandAcceptedDto, CommandDryRunDto, CommandStatus, domainEvent, EventSubjects } from '@app/contracts';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountCredentials, listEnabledRegions } from '../../../inventory';
import { COMMAND_ACCOUNTS_READER, CommandAccount, CommandAccountsReader } from '../../command-accounts.reader';
import { CommandJobEntity } from '../../fleet-command.entity';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository } from '../../fleet-commands.repository';
import { COMMAND_POLICY, CommandRunner } from '../../run/command.runner';
import { expandTargets } from '../../run/expand-targets';
import { RunCommandCommand } from './run-command.command';

/**
 * The policy decides first (nothing is read, stored or run for a refused command), then the targets are
 * expanded, then the job and its PENDING targets are stored and the runner takes over in the background.
 */
@CommandHandler(RunCommandCommand)
export class RunCommandHandler implements ICommandHandler<RunCommandCommand> {
  private readonly logger = new Logger(RunCommandHandler.name);

  constructor(
    @Inject(COMMAND_POLICY) private readonly policy: CommandPolicy,
    @Inject(COMMAND_ACCOUNTS_READER) private readonly accounts: CommandAccountsReader,
    @Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: AccountCredentials,
    private readonly runner: CommandRunner,
  ) {}

  async execute({ request }: RunCommandCommand): Promise<CommandAcceptedDto | CommandDryRunDto> {
    const { requested_by: who } = request;
    const decision = this.policy.check(request.command, { role: who.role, allowMutations: request.allow_mutations === true });
    if (!decision.allowed && !request.dry_run) {
      this.logger.warn(`refused a command from ${who.name} (${who.role}): ${decision.code}`);
      throw new AppException(decision.code, decision.message, { status: decision.status });
    }

    const accounts = await this.accounts.find(request.targets.account_ids);
    const targets = await expandTargets(request.targets, accounts, (a) => this.enabledRegions(a));

    if (request.dry_run) {
      return {
        dry_run: true,
        command: request.command,
        policy: decision.allowed
          ? { allowed: true, service: decision.service, operation: decision.operation, mutating: decision.mutating }
          : { allowed: false, code: decision.code, message: decision.message },
        targets_total: targets.length,
        targets: targets.map((t) => ({ account_id: t.account.account_id, region: t.region })),
      };
    }
    if (!decision.allowed) throw new AppException(decision.code, decision.message, { status: decision.status }); // narrowed above; kept for the type

    const now = new Date();
    const job: CommandJobEntity = {
      id: randomUUID(),
      command: request.command,
      service: decision.service,
      operation: decision.operation,
      mutating: decision.mutating,
      targets: { account_ids: request.targets.account_ids, regions: request.targets.regions, ...(request.targets.account_tags ? { account_tags: request.targets.account_tags } : {}) },
      max_concurrency: request.max_concurrency ?? 8,
      max_errors: String(request.max_errors ?? 0),
      timeout_seconds: request.timeout_seconds ?? 300,
      allow_mutations: request.allow_mutations === true,
      requested_by_name: who.name,
      requested_by_role: who.role,
      status: CommandStatus.InProgress,
      status_reason: null,
      targets_total: targets.length,
      created_at: now,
      finished_at: null,
      cancel_requested_at: null,
      cancelled_by: null,
      owner_instance: this.runner.instanceId.slice(0, 64),
      heartbeat_at: now,
    };
    await this.repo.insertJob(
      job,
      targets.map((t) => ({ seq: t.seq, account_id: t.account.account_id, region: t.region })),
      [
        domainEvent(
          EventSubjects.FleetCommandStarted,
          { id: job.id, command: job.command, service: job.service, operation: job.operation, mutating: job.mutating, requested_by: who, targets_total: job.targets_total, created_at: now.toISOString() },
          job.id,
        ),
      ],
    );
    this.logger.log(`command ${job.id} by ${who.name} (${who.role}): ${job.service} ${job.operation} on ${targets.length} targets`);
    this.runner.start(job, targets);
    return { id: job.id, status: CommandStatus.InProgress, targets_total: targets.length, location: `/api/v1/commands/${job.id}` };
  }

  /** Regions enabled in an account configured with "*" (EC2 DescribeRegions with the account's credentials). */
  private async enabledRegions(account: CommandAccount): Promise<string[]> {
    const region = this.config.aws.default_region;
    try {
      return await listEnabledRegions({ credentials: this.credentials.forAccount(account, region), region, endpoint: this.config.aws.endpoint_url });
    } catch (e) {
      throw new AppException('VALIDATION_FAILED', `Could not list the enabled regions of account ${account.account_id}; name the regions explicitly`, {
        errors: [{ field: 'targets.regions', message: `account ${account.account_id} is configured with "*" and its regions could not be listed: ${(e as Error).name}` }],
      });
    }
  }
}
