/** Status of one account × region target of a fleet command (the same vocabulary as SSM Run Command). */
export const CommandTargetStatus = {
  Pending: 'PENDING',
  InProgress: 'IN_PROGRESS',
  Success: 'SUCCESS',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Cancelled: 'CANCELLED',
  /** Never started: max_errors was exceeded before its turn. */
  Skipped: 'SKIPPED',
} as const;
export type CommandTargetStatus = (typeof CommandTargetStatus)[keyof typeof CommandTargetStatus];

/** Status of the whole command. SUCCESS only when every target succeeded. */
export const CommandStatus = {
  InProgress: 'IN_PROGRESS',
  Success: 'SUCCESS',
  Failed: 'FAILED',
  Cancelled: 'CANCELLED',
} as const;
export type CommandStatus = (typeof CommandStatus)[keyof typeof CommandStatus];

export const COMMAND_ROLES = ['viewer', 'operator', 'admin'] as const;
export type CommandRole = (typeof COMMAND_ROLES)[number];

/** Bounds, shared by the contract and the service. */
export const FLEET_COMMAND_LIMITS = {
  maxConcurrency: 64,
  maxTimeoutSeconds: 3600,
  maxAccounts: 1000,
  /** Targets (accounts × regions) one command may expand to. */
  maxTargets: 5000,
  /** Bytes of stdout (and of stderr) shown per target in the results list. */
  previewBytes: 4096,
} as const;

/** `max_errors`: a count of failed targets, or a percentage of all targets ("10%"), as in SSM Run Command. */
export const MAX_ERRORS_PATTERN = /^(100|[1-9]?\d)%$/;
