import { minimumRole } from '@app/auth';
import { MCP_RESOURCES } from './mcp-resources';
import { McpTool } from './mcp-tool';
import { COMMAND_TOOLS } from './tools/commands.tools';
import { EVENT_TOOLS } from './tools/events.tools';
import { INTEGRATION_TOOLS } from './tools/integrations.tools';
import { INVENTORY_TOOLS } from './tools/inventory.tools';

/** Every MCP tool of the gateway, in the order tools/list shows them. */
export const MCP_TOOLS: readonly McpTool[] = [...INVENTORY_TOOLS, ...COMMAND_TOOLS, ...INTEGRATION_TOOLS, ...EVENT_TOOLS];

/** The tools as data (name, title, description, permission, least role, annotations): what docs are generated from and checked against. */
export const MCP_TOOL_CATALOG = MCP_TOOLS.map((t) => ({ name: t.name, title: t.title, description: t.description, permission: t.permission, minimum_role: minimumRole(t.permission), annotations: t.annotations }));

/** The resources as data (name, URI or template, permission), for the docs. */
export const MCP_RESOURCE_CATALOG = MCP_RESOURCES.map((r) => ({ name: r.name, uri: r.uri, template: r.template, title: r.title, description: r.description, permission: r.permission }));

/** The prompts' names, for the docs (mcp-prompts.ts has their text). */
export const MCP_PROMPT_NAMES = ['inventory_report', 'security_review_public_resources', 'triage_unhealthy_integration'] as const;
