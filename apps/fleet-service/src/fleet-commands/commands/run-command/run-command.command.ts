import { RunCommandRequest } from '@app/contracts';

/** Run (or dry-run) an AWS CLI command across accounts × regions, on behalf of `request.requested_by`. */
export class RunCommandCommand {
  constructor(readonly request: RunCommandRequest) {}
}
