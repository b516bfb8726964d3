import { FORBIDDEN_OPTIONS, GLOBAL_OPTIONS, OUTFILE_OPTION, URL_VALUE_ALLOWED } from './cli-options';
import { compileDenyList, DenyListConfig, DenyRule } from './deny-rules';
import { LOCAL_ACCESS_COMMANDS, LOCAL_PATH_OPTIONS, S3_MULTI_VALUE_OPTIONS, S3_TRANSFER_COMMANDS, S3_VALUE_OPTIONS, STREAMING_OPERATIONS } from './local-access';
import { PolicyRefusal, refuse } from './policy-codes';
import { isReadOperation } from './read-operations';
import { tokenize } from './tokenize';

export type CliRole = 'viewer' | 'operator' | 'admin';

export interface PolicyContext {
  role: CliRole;
  allowMutations: boolean;
}

export interface PolicyAllowed {
  allowed: true;
  /** What to pass to `aws`, without the leading `aws`. */
  argv: string[];
  service: string;
  operation: string;
  mutating: boolean;
}

export type PolicyDecision = PolicyAllowed | PolicyRefusal;

export interface CommandPolicyOptions {
  /** YAML-shaped deny-list configuration; validated here, throws DenyRuleConfigError naming the bad rule. */
  denyList?: DenyListConfig | unknown;
  /** Longest accepted command line in UTF-8 bytes. */
  maxBytes?: number;
}

export const DEFAULT_MAX_COMMAND_BYTES = 8192;

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const OPTION_NAME = /^--[a-z0-9][a-z0-9-]*$/;
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;
/** C0/C1 controls except tab and newline, plus bidi overrides that make logs lie about what ran. */
const INVALID_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
/** Dash lookalikes: a token starting with one is an option in disguise. */
const UNICODE_DASH = /^[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/;

const MUTATING_ROLES: ReadonlySet<string> = new Set(['operator', 'admin']);
const forbiddenNames = Object.keys(FORBIDDEN_OPTIONS);

/** Decides, before anything runs, whether a command line may be executed and with which argv. */
export class CommandPolicy {
  private static defaultPolicy: CommandPolicy | undefined;
  private readonly denyRules: DenyRule[];
  private readonly maxBytes: number;

  /** Checks with the built-in rules (default deny list, 8 KiB cap). */
  static check(commandLine: string, context: PolicyContext): PolicyDecision {
    CommandPolicy.defaultPolicy ??= new CommandPolicy();
    return CommandPolicy.defaultPolicy.check(commandLine, context);
  }

  constructor(options: CommandPolicyOptions = {}) {
    this.denyRules = compileDenyList(options.denyList);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_COMMAND_BYTES;
  }

  check(commandLine: string, context: PolicyContext): PolicyDecision {
    if (typeof commandLine !== 'string') return refuse('CLI_COMMAND_EMPTY', 'The command must be a string.');
    if (Buffer.byteLength(commandLine, 'utf8') > this.maxBytes) {
      return refuse('CLI_COMMAND_TOO_LONG', `The command is longer than ${this.maxBytes} bytes.`);
    }
    if (INVALID_CHARS.test(commandLine)) {
      return refuse('CLI_INVALID_CHARACTER', 'The command contains control or bidirectional-override characters.');
    }
    const tokenized = tokenize(commandLine);
    if (!tokenized.ok) return tokenized.refusal;
    const argv = tokenized.tokens[0] === 'aws' ? tokenized.tokens.slice(1) : tokenized.tokens;
    if (argv.length === 0) return refuse('CLI_COMMAND_EMPTY', 'The command is empty; expected "<service> <operation> [options]".');

    const [service, operation] = argv;
    if (!NAME.test(service)) {
      return refuse(
        'CLI_INVALID_COMMAND',
        service.startsWith('-')
          ? `Options before the service are not accepted (${clip(service)}); write "<service> <operation> [options]".`
          : `"${clip(service)}" is not a service name (lowercase letters, digits and dashes).`,
      );
    }
    if (operation === undefined) return refuse('CLI_INVALID_COMMAND', `Missing operation after "${service}"; write "<service> <operation> [options]" or "<service> help".`);
    if (!NAME.test(operation)) {
      return refuse('CLI_INVALID_COMMAND', `"${clip(operation)}" is not an operation name (lowercase letters, digits and dashes).`);
    }
    const command = `${service} ${operation}`;

    const local = this.checkLocalAccess(service, operation, argv);
    if (local) return local;
    const options = this.checkArguments(service, operation, argv);
    if (options) return options;

    for (const rule of this.denyRules) {
      if (rule.matches({ service, operation, argv })) return refuse('CLI_COMMAND_DENIED', rule.message);
    }

    const mutating = !isReadOperation(service, operation);
    if (mutating) {
      const roleOk = MUTATING_ROLES.has(context.role);
      if (!roleOk) {
        return refuse('CLI_MUTATION_FORBIDDEN', `"${command}" changes the account; the ${String(context.role)} role may only run reads (operator or admin required).`);
      }
      if (context.allowMutations !== true) {
        return refuse('CLI_MUTATION_FORBIDDEN', `"${command}" changes the account and mutations are not enabled for this request (allowMutations is false).`);
      }
    }
    return { allowed: true, argv, service, operation, mutating };
  }

  /** Commands that reach the server's disk or processes; see local-access.ts. */
  private checkLocalAccess(service: string, operation: string, argv: string[]): PolicyRefusal | null {
    const command = `${service} ${operation}`;
    const why = LOCAL_ACCESS_COMMANDS[command] ?? LOCAL_ACCESS_COMMANDS[`${service} *`];
    if (why) return refuse('CLI_LOCAL_ACCESS_FORBIDDEN', `"${command}" is not available: ${why}.`);
    if (STREAMING_OPERATIONS.has(command)) {
      return refuse('CLI_LOCAL_ACCESS_FORBIDDEN', `"${command}" is not available: the CLI streams its body to or from a file on the server.`);
    }
    if (service === 's3' && S3_TRANSFER_COMMANDS.includes(operation)) {
      for (const path of s3Positionals(argv.slice(2))) {
        if (!path.startsWith('s3://')) {
          return refuse('CLI_LOCAL_ACCESS_FORBIDDEN', `"${command}" only copies between s3:// locations; "${clip(path)}" would be a path on the server.`);
        }
      }
    }
    return null;
  }

  /** Option names and values: shape, forbidden options (and their argparse abbreviations), file:// and URL values. */
  private checkArguments(service: string, operation: string, argv: string[]): PolicyRefusal | null {
    const localPathOptions = LOCAL_PATH_OPTIONS[`${service} ${operation}`] ?? [];
    let currentOption: string | null = null;
    for (const token of argv.slice(2)) {
      if (UNICODE_DASH.test(token)) {
        return refuse('CLI_INVALID_OPTION', `"${clip(token)}" starts with a non-ASCII dash; options use "--".`);
      }
      let value: string | null = token;
      if (token.startsWith('-') && token !== '-' && !NEGATIVE_NUMBER.test(token)) {
        if (token === '--') return refuse('CLI_INVALID_OPTION', 'The "--" end-of-options marker is not accepted.');
        const eq = token.indexOf('=');
        const name = eq < 0 ? token : token.slice(0, eq);
        value = eq < 0 ? null : token.slice(eq + 1);
        if (!OPTION_NAME.test(name)) {
          return refuse(
            'CLI_INVALID_OPTION',
            /[A-Z]/.test(name) ? `Option "${clip(name)}" must be lowercase.` : `"${clip(name)}" is not a valid option name (--lowercase-with-dashes).`,
          );
        }
        const refused = this.checkOptionName(name, localPathOptions);
        if (refused) return refused;
        currentOption = name;
      }
      if (value !== null) {
        const refused = checkValue(value, service, operation, currentOption);
        if (refused) return refused;
      }
    }
    return null;
  }

  private checkOptionName(name: string, localPathOptions: readonly string[]): PolicyRefusal | null {
    // argparse (allow_abbrev) takes any unambiguous prefix of an option, so prefixes are refused too.
    const forbidden = forbiddenNames.find((f) => f.startsWith(name));
    if (forbidden) {
      const abbreviation = forbidden === name ? '' : ` (an abbreviation of ${forbidden})`;
      return refuse('CLI_OPTION_FORBIDDEN', `Option ${name}${abbreviation} is not accepted: ${FORBIDDEN_OPTIONS[forbidden]}.`);
    }
    if (OUTFILE_OPTION.test(name) || localPathOptions.some((o) => o.startsWith(name))) {
      return refuse('CLI_LOCAL_ACCESS_FORBIDDEN', `Option ${name} is not accepted: it reads or writes a file on the server.`);
    }
    const global = GLOBAL_OPTIONS.find((g) => g.startsWith(name) && g !== name);
    if (global && !GLOBAL_OPTIONS.includes(name)) {
      return refuse('CLI_INVALID_OPTION', `Option ${name} is an abbreviation of ${global}; spell global options in full.`);
    }
    return null;
  }
}

function checkValue(value: string, service: string, operation: string, option: string | null): PolicyRefusal | null {
  const v = value.trim().toLowerCase();
  if (v.includes('file://') || v.includes('fileb://')) {
    return refuse('CLI_LOCAL_ACCESS_FORBIDDEN', `${option ?? 'A value'}: file:// and fileb:// values are not accepted; they read files on the server. Pass the content inline.`);
  }
  if ((v.startsWith('http://') || v.startsWith('https://')) && !(option && URL_VALUE_ALLOWED.has(`${service}.${operation}.${option}`))) {
    return refuse(
      'CLI_URL_FETCH_FORBIDDEN',
      `${option ?? 'A value'}: values starting with http:// or https:// are not accepted here; AWS CLI v1 would download the URL from the server and send its content.`,
    );
  }
  return null;
}

/** The positional arguments of `s3 cp/mv/sync`, skipping option values the way argparse would. */
function s3Positionals(args: string[]): string[] {
  const positionals: string[] = [];
  let expectValue = false;
  let multiValue = false;
  for (const token of args) {
    const isOption = token.startsWith('-') && token !== '-';
    if (isOption) {
      const name = token.split('=', 1)[0];
      const glued = token.includes('=');
      expectValue = !glued && S3_VALUE_OPTIONS.has(name);
      multiValue = !glued && S3_MULTI_VALUE_OPTIONS.has(name);
      continue;
    }
    if (multiValue) continue;
    if (expectValue) {
      expectValue = false;
      continue;
    }
    positionals.push(token);
  }
  return positionals;
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
