import { Identity, Permission } from '@app/auth';
import { invalidFields } from '@app/contracts';
import { AppConfig } from '@app/config';
import { fromJsonSchema, type ServerContext, type StandardSchemaWithJSON, type ToolAnnotations } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ConfirmationTokens } from './mcp-confirmation';
import type { AccountsService } from '../accounts/accounts.service';
import type { DeliveriesService } from '../deliveries/deliveries.service';
import type { EventHistoryService } from '../events/event-history.service';
import type { FleetCommandsService } from '../fleet-commands/fleet-commands.service';
import type { IntegrationHealthService } from '../health/integration-health.service';
import type { IntegrationsService } from '../integrations/integrations.service';
import type { InventoryService } from '../inventory/inventory.service';
import type { ResourcesService } from '../resources/resources.service';

/** The edge services (capabilities.module.ts) every tool calls: the same ones REST controllers call. */
export interface McpServices {
  accounts: AccountsService;
  resources: ResourcesService;
  inventory: InventoryService;
  commands: FleetCommandsService;
  integrations: IntegrationsService;
  health: IntegrationHealthService;
  deliveries: DeliveriesService;
  events: EventHistoryService;
}

/** What one tool call knows beyond its arguments. */
export interface ToolRun {
  services: McpServices;
  config: AppConfig;
  identity: Identity;
  /** mcp.max_output_chars */
  maxChars: number;
  /** The SDK's request context: progress token, cancellation signal, input responses. */
  mcp: ServerContext;
  /** Tokens proving a mutation was asked to be confirmed (mcp-confirmation.ts). */
  confirmations: ConfirmationTokens;
}

/** A tool's answer: its structured result (checked against the output schema), or a request for input first. */
export type ToolAnswer<O> = { result: O; text?: string } | { inputRequired: unknown };

/**
 * One MCP tool: its description for the model, the permission of its REST twin (libs/auth roles.ts, the one role
 * table), schemas, annotations and what it does through the edge services.
 */
export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  permission: Permission;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** The result is checked against `output` by the SDK before it leaves (the DTOs are classes, the schemas loose objects). */
  run(args: z.infer<I>, run: ToolRun): Promise<ToolAnswer<object>>;
}

/** A tool with its argument and result types erased, as the registry holds it. */
export interface McpTool {
  name: string;
  title: string;
  description: string;
  permission: Permission;
  input: z.ZodObject;
  output: z.ZodObject;
  /** `input` and `output` as every request's server is given them (sdkInputSchema, sdkOutputSchema). */
  sdk: { input: StandardSchemaWithJSON; output: StandardSchemaWithJSON };
  annotations: ToolAnnotations;
  /** `args` as the SDK validated them against `input`. */
  call(args: unknown, run: ToolRun): Promise<ToolAnswer<unknown>>;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDefinition<I, O>): McpTool {
  return { ...def, sdk: { input: sdkInputSchema(def.input), output: sdkOutputSchema(def.output) }, call: (args, run) => def.run(toolArguments(def.input, args), run) };
}

/**
 * A call's arguments as zod parses them (unknown keys stripped), or VALIDATION_FAILED naming each bad field as a REST
 * body's would be. Parsed here rather than by the SDK, whose refusal would skip the call's audit record and metric.
 */
export function toolArguments<I extends z.ZodObject>(schema: I, args: unknown): z.infer<I> {
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  throw invalidFields('input', parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'input', message: i.message })));
}

/** The SDK's JSON Schema dialect for tool schemas (what it asks a schema's `~standard.jsonSchema` for). */
const JSON_SCHEMA_TARGET = 'draft-2020-12';

/** Frozen, so a caller that tried to change a schema every request shares would throw instead of corrupting it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A tool's input schema as the SDK takes it: the JSON Schema tools/list shows, converted once per process, not again
 * by every request's fresh server. The SDK's check passes the arguments through: the tool's call parses them
 * (`toolArguments`), so a refused call is audited and counted like any other.
 */
export function sdkInputSchema(schema: z.ZodObject): StandardSchemaWithJSON {
  const std = schema['~standard'];
  let json: Record<string, unknown> | undefined;
  const once = () => (json ??= deepFreeze(std.jsonSchema.input({ target: JSON_SCHEMA_TARGET })));
  return { '~standard': { version: 1, vendor: 'zod', validate: (value) => ({ value }), jsonSchema: { input: once, output: once } } };
}

/**
 * A tool's output schema as the SDK takes it: the JSON Schema tools/list shows converted once per process, and the
 * check the SDK makes of every structuredContent before it leaves compiled once (the SDK's JSON Schema validator, ajv
 * on Node), on first use; a compiled check reads the result where zod parsing copies all of it. The check is compiled
 * from zod's input-side JSON Schema, which accepts what zod's parse accepts (unknown keys too: the DTOs carry more than
 * the schemas name), while the advertised output side closes plain objects.
 */
export function sdkOutputSchema(schema: z.ZodObject): StandardSchemaWithJSON {
  const std = schema['~standard'];
  let advertised: Record<string, unknown> | undefined;
  let check: StandardSchemaWithJSON | undefined;
  const json = () => (advertised ??= deepFreeze(std.jsonSchema.output({ target: JSON_SCHEMA_TARGET })));
  return {
    '~standard': {
      version: 1,
      vendor: 'zod',
      validate: (value) => (check ??= fromJsonSchema(std.jsonSchema.input({ target: JSON_SCHEMA_TARGET })))['~standard'].validate(value),
      jsonSchema: { input: json, output: json },
    },
  };
}

/** Read-only annotations: nothing changes, the same call answers the same (until the fleet changes). */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Cursor argument shared by paged tools. */
export const cursorArg = z.string().max(4096).optional().describe('next_cursor from the previous page, to read the next one');
