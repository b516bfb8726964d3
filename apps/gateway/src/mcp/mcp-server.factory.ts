import { allows, Identity, Permission, Role } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException } from '@app/contracts';
import { mcpToolCalls } from '@app/observability';
import { CallToolResult, InputRequiredResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { DoorAction, DoorOutcome, outcomeOf } from '../audit/audit.recorder';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { EventHistoryService } from '../events/event-history.service';
import { FleetCommandsService } from '../fleet-commands/fleet-commands.service';
import { IntegrationHealthService } from '../health/integration-health.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { InventoryService } from '../inventory/inventory.service';
import { ResourcesService } from '../resources/resources.service';
import { MCP_TOOLS } from './mcp-catalog';
import { registerPrompts } from './mcp-prompts';
import { registerResources } from './mcp-resources';
import { ConfirmationTokens, MCP_CONFIRMATION_KEY } from './mcp-confirmation';
import { resultText } from './mcp-output';
import { McpServices, McpTool, ToolRun } from './mcp-tool';

/** Who calls, for one HTTP request to /mcp: what the door knows before the SDK takes over. */
export interface McpCaller {
  identity: Identity;
  correlationId: string;
  clientAddress: string;
  /** Where each tool call's audit record goes (the gateway's AuditRecorder). */
  audit(action: DoorAction): void;
}

const TOOLS_BY_ROLE = new Map<Role, readonly McpTool[]>();

/**
 * The tools `identity` may call: each needs its REST twin's permission; the others are neither listed nor callable.
 * Worked out once per role, like everything else role-dependent and caller-independent (the tools' JSON Schemas and
 * compiled output checks, the prompts' schemas, the resource templates), so a request's own server costs only its
 * registration.
 */
export function toolsFor(identity: Identity): readonly McpTool[] {
  let tools = TOOLS_BY_ROLE.get(identity.role);
  if (!tools) TOOLS_BY_ROLE.set(identity.role, (tools = MCP_TOOLS.filter((t) => allows(identity.role, t.permission))));
  return tools;
}

/**
 * Builds the MCP server of one request for one caller (stateless: nothing survives the request, so any replica
 * answers any request). Every tool call is audited and counted, whatever its outcome.
 */
@Injectable()
export class McpServerFactory {
  private readonly logger = new Logger('MCP');
  private readonly services: McpServices;
  private readonly confirmations: ConfirmationTokens;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    accounts: AccountsService,
    resources: ResourcesService,
    inventory: InventoryService,
    commands: FleetCommandsService,
    integrations: IntegrationsService,
    health: IntegrationHealthService,
    deliveries: DeliveriesService,
    events: EventHistoryService,
    @Inject(MCP_CONFIRMATION_KEY) confirmationKey: Buffer,
  ) {
    this.services = { accounts, resources, inventory, commands, integrations, health, deliveries, events };
    this.confirmations = new ConfirmationTokens(confirmationKey);
  }

  /**
   * `onlyTool`: the request is a tools/call of this tool, so its server needs nothing else (no other tool, resource or
   * prompt can be reached by it); unknown or not the caller's, and the server gets every tool as usual (so the SDK's
   * answer to it is the same "not found").
   */
  create(caller: McpCaller, version: string, onlyTool?: string): McpServer {
    const server = new McpServer(
      { name: 'aws-mcp-server', title: 'AWS MCP Server', version },
      {
        instructions:
          'Tools over a multi-account AWS fleet: the resource inventory (list_accounts, search_resources, get_resource, summarize_resources, start_sync), fleet-wide AWS CLI commands (check_aws_cli before run_aws_cli), integrations and their health, and the event stream (recent_events); resources aws://accounts, aws://resources/{arn}, aws://integrations/{id}, aws://commands/{id}/output/{account}/{region}; prompts for an inventory report, a security review and integration triage. Answers come from the inventory where possible; every call is audited under your identity and limited to what your role may do.',
      },
    );
    const tools = toolsFor(caller.identity);
    const only = onlyTool === undefined ? undefined : tools.find((t) => t.name === onlyTool);
    for (const tool of only ? [only] : tools) {
      server.registerTool(tool.name, { title: tool.title, description: tool.description, inputSchema: tool.sdk.input, outputSchema: tool.sdk.output, annotations: tool.annotations }, (args, ctx) => this.call(tool, args, ctx, caller));
    }
    if (only) return server;
    const allowed = (p: Permission) => allows(caller.identity.role, p);
    registerResources(server, allowed, this.services, this.config.mcp.max_output_chars, (name, uri, ok) =>
      caller.audit({ door: 'mcp', action: `resource:${name}`, arguments: { uri }, outcome: ok ? 'ok' : 'error', correlationId: caller.correlationId, clientAddress: caller.clientAddress, identity: caller.identity, method: 'POST', path: '/mcp' }),
    );
    registerPrompts(server, allowed);
    return server;
  }

  private async call(tool: McpTool, args: unknown, ctx: ServerContext, caller: McpCaller): Promise<CallToolResult | InputRequiredResult> {
    const run: ToolRun = { services: this.services, config: this.config, identity: caller.identity, maxChars: this.config.mcp.max_output_chars, mcp: ctx, confirmations: this.confirmations };
    let outcome: DoorOutcome = 'ok';
    try {
      const answer = await tool.call(args, run);
      if ('inputRequired' in answer) {
        outcome = 'refused';
        return answer.inputRequired as InputRequiredResult;
      }
      const structured = answer.result as Record<string, unknown>;
      return { content: [{ type: 'text', text: answer.text ?? resultText(structured) }], structuredContent: structured };
    } catch (e) {
      const err = e instanceof AppException ? e : undefined;
      outcome = ctx.mcpReq.signal.aborted ? 'cancelled' : err ? outcomeOf(err.status) : 'error';
      if (!err) this.logger.error({ msg: 'MCP tool failed', tool: tool.name, err: e });
      const fields = err?.errors?.length ? ` (${err.errors.map((f) => `${f.field}: ${f.message}`).join('; ')})` : '';
      const text = err ? `${err.code}: ${err.message}${fields}` : `INTERNAL_ERROR: the tool failed; correlation id ${caller.correlationId}`;
      return { content: [{ type: 'text', text }], isError: true };
    } finally {
      mcpToolCalls.inc({ tool: tool.name, outcome });
      caller.audit({ door: 'mcp', action: tool.name, arguments: args, outcome, correlationId: caller.correlationId, clientAddress: caller.clientAddress, identity: caller.identity, method: 'POST', path: '/mcp' });
    }
  }
}
