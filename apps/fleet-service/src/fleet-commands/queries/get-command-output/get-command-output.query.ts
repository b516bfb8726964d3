import { CommandOutputFirstPart, CommandOutputPart } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetCommandOutputQuery extends Query<CommandOutputFirstPart | CommandOutputPart> {
  constructor(
    readonly id: string,
    readonly accountId: string,
    readonly region: string,
    /** A later part of one stream (see CommandOutputFirstPart). */
    readonly part?: { stream: 'stdout' | 'stderr'; offset: number },
  ) {
    super();
  }
}
