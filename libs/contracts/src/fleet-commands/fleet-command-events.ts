import { CommandCountsDto } from './fleet-command.dto';
import { CommandRole, CommandStatus, CommandTargetStatus } from './fleet-command.enums';

export interface CommandStartedData {
  id: string;
  command: string;
  service: string;
  operation: string;
  mutating: boolean;
  requested_by: { name: string; role: CommandRole };
  targets_total: number;
  created_at: string;
}

export interface CommandTargetCompletedData {
  id: string;
  account_id: string;
  region: string;
  status: CommandTargetStatus;
  exit_code: number | null;
  duration_ms: number | null;
}

export interface CommandCompletedData {
  id: string;
  status: CommandStatus;
  status_reason: string | null;
  counts: CommandCountsDto;
  finished_at: string;
}
