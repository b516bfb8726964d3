/**
 * Stable refusal codes of the command policy. Shape problems are 400 (the request cannot be read as a
 * plain AWS CLI command); well-formed commands that are not permitted are 403.
 */
export const CLI_POLICY_CODES = {
  CLI_COMMAND_EMPTY: 400,
  CLI_COMMAND_TOO_LONG: 400,
  CLI_INVALID_CHARACTER: 400,
  CLI_UNTERMINATED_QUOTE: 400,
  CLI_SHELL_SYNTAX: 400,
  CLI_INVALID_COMMAND: 400,
  CLI_INVALID_OPTION: 400,
  CLI_OPTION_FORBIDDEN: 403,
  CLI_LOCAL_ACCESS_FORBIDDEN: 403,
  CLI_URL_FETCH_FORBIDDEN: 403,
  CLI_COMMAND_DENIED: 403,
  CLI_MUTATION_FORBIDDEN: 403,
} as const;

export type CliPolicyCode = keyof typeof CLI_POLICY_CODES;

export interface PolicyRefusal {
  allowed: false;
  status: 400 | 403;
  code: CliPolicyCode;
  message: string;
}

export function refuse(code: CliPolicyCode, message: string): PolicyRefusal {
  return { allowed: false, status: CLI_POLICY_CODES[code], code, message };
}
