import { Identity } from '@app/auth';
import {
  CheckCommandBody,
  CommandAcceptedDto,
  CommandCheckDto,
  CommandDryRunDto,
  CommandDto,
  CommandOutputDto,
  CommandOutputFirstPart,
  CommandOutputPart,
  CommandPageDto,
  CommandRequesterDto,
  CommandResultPageDto,
  ListCommandResultsQuery,
  ListCommandsQuery,
  parseCommandJson,
  RpcSubjects,
  RunCommandBody,
} from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

/** The part of the caller's identity that fleet commands record and check (a role is checked again by fleet-service). */
type CallerIdentity = Pick<Identity, 'name'> & { role: string };

/**
 * Who asks, as fleet-service's policy sees it: the authenticated identity, never the input. Without one (a
 * route reached without the guard) the caller is an anonymous viewer, who may only run reads. An unknown role
 * is refused by fleet-service's validation of `requested_by.role`.
 */
export function requesterOf(identity: CallerIdentity | undefined): CommandRequesterDto {
  return identity && typeof identity.name === 'string' && typeof identity.role === 'string'
    ? { name: identity.name.slice(0, 256) || 'unnamed', role: identity.role as CommandRequesterDto['role'] }
    : { name: 'anonymous', role: 'viewer' };
}

/** A stored output, one stream, from `offset` on: the parts rpc.fleet.command.result answers with. */
export interface CommandOutputTarget {
  id: string;
  account_id: string;
  region: string;
}

/** rpc.fleet.command.result answers the first part without `stream`, a later part of that stream with it. */
function outputPart(r: CommandOutputFirstPart | CommandOutputPart, expected: 'first'): CommandOutputFirstPart;
function outputPart(r: CommandOutputFirstPart | CommandOutputPart, expected: 'later'): CommandOutputPart;
function outputPart(r: CommandOutputFirstPart | CommandOutputPart, expected: 'first' | 'later'): CommandOutputFirstPart | CommandOutputPart {
  if (('chunk' in r) !== (expected === 'later')) throw new Error(`fleet-service answered a request for the ${expected} part of an output with another part`);
  return r;
}

/**
 * Fleet commands for every door (REST, MCP, later GraphQL): the caller's identity becomes `requested_by`,
 * stored output is reassembled from its NATS-sized parts. Input arrives validated against the contract classes.
 */
@Injectable()
export class FleetCommandsService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  run(body: RunCommandBody, caller: CallerIdentity | undefined): Promise<CommandAcceptedDto | CommandDryRunDto> {
    return this.bus.request(RpcSubjects.FleetCommandRun, { ...body, requested_by: requesterOf(caller) });
  }

  /** The policy's verdict for the caller and the CLI's help of the operation; nothing is stored or run. */
  check(body: CheckCommandBody, caller: CallerIdentity | undefined): Promise<CommandCheckDto> {
    return this.bus.request(RpcSubjects.FleetCommandCheck, { ...body, requested_by: requesterOf(caller) });
  }

  list(query: ListCommandsQuery): Promise<CommandPageDto> {
    return this.bus.request(RpcSubjects.FleetCommandList, query);
  }

  get(id: string): Promise<CommandDto> {
    return this.bus.request(RpcSubjects.FleetCommandGet, { id });
  }

  cancel(id: string, caller: CallerIdentity | undefined): Promise<CommandDto> {
    return this.bus.request(RpcSubjects.FleetCommandCancel, { id, requested_by: requesterOf(caller) });
  }

  results(id: string, query: ListCommandResultsQuery): Promise<CommandResultPageDto> {
    return this.bus.request(RpcSubjects.FleetCommandResults, { ...query, id });
  }

  /**
   * The whole output of one target. It crosses NATS in parts (its 1 MB max_payload); assembled here, up to the
   * stored bound (16 MiB per stream).
   */
  async output(target: CommandOutputTarget): Promise<CommandOutputDto> {
    const { stdout_next_offset, stderr_next_offset, ...first } = outputPart(await this.bus.request(RpcSubjects.FleetCommandResult, target), 'first');
    const rest = async (stream: 'stdout' | 'stderr', head: string, offset: number | null): Promise<string> => {
      const parts = [head];
      for (let next = offset; next !== null; ) {
        const part = outputPart(await this.bus.request(RpcSubjects.FleetCommandResult, { ...target, stream, offset: next }), 'later');
        parts.push(part.chunk);
        if (part.next_offset !== null && part.next_offset <= next) throw new Error(`fleet-service returned no progress reading ${stream} at ${next}`);
        next = part.next_offset;
      }
      return parts.join('');
    };
    const stdout = await rest('stdout', first.stdout, stdout_next_offset);
    const stderr = await rest('stderr', first.stderr, stderr_next_offset);
    return { ...first, stdout, stderr, json: first.output_truncated ? null : parseCommandJson(stdout) };
  }
}
