import { CommandAcceptedDto, CommandDryRunDto, RunCommandRequest } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

/** Run (or dry-run) an AWS CLI command across accounts × regions, on behalf of `request.requested_by`. */
export class RunCommandCommand extends Command<CommandAcceptedDto | CommandDryRunDto> {
  constructor(readonly request: RunCommandRequest) {
    super();
  }
}
