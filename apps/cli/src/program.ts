import { Command, Option } from '@commander-js/extra-typings';
import { registerAccounts } from './accounts/accounts.command';
import { registerApiKeys } from './api-keys/api-keys.command';
import { registerAudit } from './audit/audit.command';
import { registerAuth } from './auth/auth.command';
import { registerCompletion } from './completion/completion.command';
import { registerEvents } from './events/events.command';
import { registerFleetCommands } from './fleet-commands/fleet-commands.command';
import { registerIntegrations } from './integrations/integrations.command';
import { registerMcp } from './mcp/mcp.command';
import { registerResources } from './resources/resources.command';
import { cliVersion } from './shared/context';
import { examples } from './shared/command';
import { FORMATS } from './shared/output';
import { registerUsers } from './users/users.command';

const ROOT_HELP = `${examples(
  'aws-mcp configure --url http://127.0.0.1:8000 && aws-mcp login -u admin',
  'aws-mcp accounts list',
  'aws-mcp commands run "sts get-caller-identity" --accounts all --regions us-east-1 --wait',
  'aws-mcp resources list --type ec2:instance -o json --query "items[].arn"',
  'aws-mcp events tail --subjects "fleet.resource.*"',
)}
Environment: AWS_MCP_PROFILE, AWS_MCP_URL, AWS_MCP_API_KEY (overrides the profile's credentials), AWS_MCP_OUTPUT,
XDG_CONFIG_HOME (profiles live in $XDG_CONFIG_HOME/aws-mcp/credentials.json, else ~/.config/aws-mcp/).
Exit codes: 0 ok, 1 failed, 2 usage, 3 authentication or permission, 4 not found, 5 server unavailable.
Every verb: aws-mcp <verb> --help. Reference: docs/cli.md.
`;

/** The whole command tree (also what shell completion is generated from). */
export function buildProgram(): Command {
  const program = new Command('aws-mcp')
    .description('Command line of the AWS MCP Server: the fleet, its inventory and commands, integrations, events, users')
    .version(cliVersion(), '-V, --version')
    .addOption(new Option('-p, --profile <name>', 'profile of the credentials file').env('AWS_MCP_PROFILE'))
    .addOption(new Option('--url <url>', 'gateway URL (instead of the profile\'s)').env('AWS_MCP_URL'))
    .addOption(new Option('-o, --output <format>', 'table (default on a terminal), json (default otherwise), yaml or text').choices(FORMATS).env('AWS_MCP_OUTPUT'))
    .addOption(new Option('-q, --query <jmespath>', 'JMESPath expression applied to the result, e.g. "items[].id"'))
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`aws-mcp: ${message.replace(/^error: /, '')}`) })
    .addHelpText('after', ROOT_HELP);
  registerAuth(program);
  registerAccounts(program);
  registerResources(program);
  registerFleetCommands(program);
  registerIntegrations(program);
  registerEvents(program);
  registerAudit(program);
  registerUsers(program);
  registerApiKeys(program);
  registerMcp(program);
  registerCompletion(program);
  return program;
}
