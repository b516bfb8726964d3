export * from './cli-executor';
export * from './policy/command-policy';
export * from './policy/policy-codes';
export { DEFAULT_DENY_RULES, DenyRuleConfigError, compileDenyList } from './policy/deny-rules';
export type { DenyListConfig, DenyRule, DenyRuleInput } from './policy/deny-rules';
export { READ_COMMANDS, READ_OPERATION_PREFIXES, READ_OPERATIONS, MUTATING_DESPITE_PREFIX, isReadOperation } from './policy/read-operations';
export { tokenize } from './policy/tokenize';
