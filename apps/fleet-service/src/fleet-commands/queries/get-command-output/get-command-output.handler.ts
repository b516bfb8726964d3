import { AppException, CommandOutputFirstPart, CommandOutputPart } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository } from '../../fleet-commands.repository';
import { toResultDto } from '../../fleet-command.mapper';
import { GetCommandOutputQuery } from './get-command-output.query';

/** Characters read per part; a part is then cut until its JSON encoding fits PART_BYTES. */
const PART_CHARS = 262_144;
/** Encoded bytes per stream and reply: two of them and the metadata stay under NATS's default 1 MB max_payload. */
const PART_BYTES = 400_000;

/** Cuts `text` (code points from `offset`) so its JSON encoding fits `maxBytes`; returns the part and how many code points it holds. */
export function fitPart(text: string, maxBytes = PART_BYTES): { chunk: string; codePoints: number } {
  let chunk = text;
  while (chunk.length && Buffer.byteLength(JSON.stringify(chunk)) > maxBytes) {
    let cut = Math.floor(chunk.length / 2);
    // never split a surrogate pair
    if (cut > 0 && chunk.charCodeAt(cut - 1) >= 0xd800 && chunk.charCodeAt(cut - 1) <= 0xdbff) cut--;
    chunk = chunk.slice(0, cut);
  }
  let codePoints = 0;
  for (const _ of chunk) codePoints++;
  return { chunk, codePoints };
}

@QueryHandler(GetCommandOutputQuery)
export class GetCommandOutputHandler implements IQueryHandler<GetCommandOutputQuery> {
  constructor(@Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository) {}

  async execute({ id, accountId, region, part }: GetCommandOutputQuery): Promise<CommandOutputFirstPart | CommandOutputPart> {
    if (!(await this.repo.findJob(id))) throw new AppException('COMMAND_NOT_FOUND', `No fleet command ${id}`);
    const result = await this.repo.findResult(id, accountId, region);
    if (!result) throw new AppException('COMMAND_RESULT_NOT_FOUND', `Command ${id} has no target ${accountId}/${region}`);
    if (part) return this.part(id, result.seq, part.stream, part.offset);
    const [stdout, stderr] = await Promise.all([this.part(id, result.seq, 'stdout', 0), this.part(id, result.seq, 'stderr', 0)]);
    const slice = await this.repo.outputSlice(id, result.seq, 'stdout', 0, 0);
    return {
      ...toResultDto(result),
      stdout: stdout.chunk,
      stderr: stderr.chunk,
      output_truncated: slice?.truncated ?? false,
      stdout_next_offset: stdout.next_offset,
      stderr_next_offset: stderr.next_offset,
    };
  }

  private async part(id: string, seq: number, stream: 'stdout' | 'stderr', offset: number): Promise<CommandOutputPart> {
    const slice = await this.repo.outputSlice(id, seq, stream, offset, PART_CHARS);
    if (!slice) return { chunk: '', next_offset: null };
    const { chunk, codePoints } = fitPart(slice.text);
    const next = offset + codePoints;
    return { chunk, next_offset: next < slice.total ? next : null };
  }
}
