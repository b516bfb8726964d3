import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CommandPolicy } from '@app/cli-executor';
import { CommandCheckDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { COMMAND_POLICY } from '../../run/command.runner';
import { CheckCommandQuery } from './check-command.query';

const HELP_MAX_CHARS = 64 * 1024;
const HELP_TIMEOUT_MS = 12_000;

/** Man-page text as the CLI renders it without a terminal: overstrike bold/underline (`N\bN`, `_\bx`) made plain. */
function plainHelp(text: string): string {
  return text.replace(/.\x08/g, '').replace(/\x1b\[[0-9;]*m/g, '');
}

/**
 * The policy's verdict for the caller (as if allow_mutations were given, so `mutating` tells whether it is needed), and
 * the real CLI's help of the operation. Help runs only for a command the policy can parse and would allow to someone
 * (so its service and operation are plain tokens), as `aws <service> <operation> help` with an argument array, no
 * shell, no credentials and an environment of its own.
 */
@QueryHandler(CheckCommandQuery)
export class CheckCommandHandler implements IQueryHandler<CheckCommandQuery> {
  constructor(
    @Inject(COMMAND_POLICY) private readonly policy: CommandPolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ request }: CheckCommandQuery): Promise<CommandCheckDto> {
    const role = request.requested_by.role;
    const d = this.policy.check(request.command, { role, allowMutations: true });
    const parsed = this.policy.check(request.command, { role: 'admin', allowMutations: true });
    const help = request.help !== false && parsed.allowed ? await this.help(parsed.service, parsed.operation) : null;
    return {
      command: request.command,
      role,
      policy: d.allowed ? { allowed: true, service: d.service, operation: d.operation, mutating: d.mutating } : { allowed: false, code: d.code, message: d.message, ...(parsed.allowed ? { service: parsed.service, operation: parsed.operation, mutating: parsed.mutating } : {}) },
      help: help === null ? null : help.slice(0, HELP_MAX_CHARS),
      help_truncated: help !== null && help.length > HELP_MAX_CHARS,
    };
  }

  private async help(service: string, operation: string): Promise<string | null> {
    const home = await mkdtemp(join(tmpdir(), 'aws-help-'));
    try {
      return await new Promise<string | null>((resolve) => {
        execFile(
          this.config.fleet.aws_binary,
          [service, operation, 'help'],
          { env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: home, AWS_PAGER: '', PAGER: 'cat', MANPAGER: 'cat', LANG: 'C.UTF-8' }, timeout: HELP_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, windowsHide: true },
          (error, stdout) => resolve(error && !stdout ? null : plainHelp(String(stdout))),
        );
      });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }
}
