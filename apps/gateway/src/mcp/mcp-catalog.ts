import { McpTool } from './mcp-tool';
import { COMMAND_TOOLS } from './tools/commands.tools';
import { EVENT_TOOLS } from './tools/events.tools';
import { INTEGRATION_TOOLS } from './tools/integrations.tools';
import { INVENTORY_TOOLS } from './tools/inventory.tools';

/** Every MCP tool of the gateway, in the order tools/list shows them. */
export const MCP_TOOLS: readonly McpTool[] = [...INVENTORY_TOOLS, ...COMMAND_TOOLS, ...INTEGRATION_TOOLS, ...EVENT_TOOLS];

