import { Permission } from '@app/auth';
import { AppException } from '@app/contracts';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { resultText } from './mcp-output';
import { McpServices } from './mcp-tool';

/** One resource (or template) of the door: what it needs and how it reads. */
interface McpResourceDefinition {
  name: string;
  title: string;
  description: string;
  permission: Permission;
  /** A fixed URI, or an RFC 6570 template. */
  uri: string;
  template: boolean;
  read(services: McpServices, vars: Record<string, string>, maxChars: number): Promise<unknown>;
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** A JSON document under the cap; a larger one is cut with a notice saying which tool reads all of it. */
function capped(value: unknown, maxChars: number, hint: string): unknown {
  const text = resultText(value);
  return text.length <= maxChars ? value : { truncated: true, total_chars: text.length, hint, preview: text.slice(0, Math.max(0, maxChars - 500)) };
}

export const MCP_RESOURCES: readonly McpResourceDefinition[] = [
  {
    name: 'accounts',
    title: 'AWS accounts of the fleet',
    description: 'Every registered AWS account (first 500): id, name, role, regions, tags, status, last sync.',
    permission: 'InventoryRead',
    uri: 'aws://accounts',
    template: false,
    read: async (s, _v, max) => capped(await s.accounts.list({ limit: 500 }), max, 'use the list_accounts tool to page'),
  },
  {
    name: 'resource',
    title: 'A resource by ARN',
    description: 'One resource of the inventory by its ARN (URL-encoded in the URI): type, state, tags and AWS\'s raw description.',
    permission: 'InventoryRead',
    uri: 'aws://resources/{arn}',
    template: true,
    read: async (s, v, max) => capped(await s.resources.get(v.arn), max, 'use the get_resource tool'),
  },
  {
    name: 'integration',
    title: 'An integration',
    description: 'One integration by id: type, direction, status and configuration with secrets masked.',
    permission: 'IntegrationsRead',
    uri: 'aws://integrations/{id}',
    template: true,
    read: async (s, v, max) => {
      if (!z.string().uuid().safeParse(v.id).success) throw new AppException('VALIDATION_FAILED', 'id must be a UUID');
      return capped(await s.integrations.get(v.id), max, 'use the get_integration tool');
    },
  },
  {
    name: 'command-output',
    title: 'A fleet command\'s output for one target',
    description: 'stdout, stderr and status of one account × region of a fleet command; large outputs are cut here, get_command_output pages them.',
    permission: 'InventoryRead',
    uri: 'aws://commands/{id}/output/{account_id}/{region}',
    template: true,
    read: async (s, v, max) => {
      if (!z.string().uuid().safeParse(v.id).success || !/^\d{12}$/.test(v.account_id) || !/^[a-z0-9-]{1,32}$/.test(v.region)) throw new AppException('VALIDATION_FAILED', 'expected aws://commands/<uuid>/output/<12-digit account>/<region>');
      return capped(await s.commands.output({ id: v.id, account_id: v.account_id, region: v.region }), max, 'use the get_command_output tool to page the output');
    },
  },
];

/** Parsed once: a template is immutable, so every request's server can be given the same one. */
const TEMPLATES = new Map<string, ResourceTemplate>();
const templateOf = (uri: string): ResourceTemplate => {
  let t = TEMPLATES.get(uri);
  if (!t) TEMPLATES.set(uri, (t = new ResourceTemplate(uri, { list: undefined })));
  return t;
};

/** Registers the resources `identity` may read, each read audited through `onRead`. */
export function registerResources(server: McpServer, allowed: (p: Permission) => boolean, services: McpServices, maxChars: number, onRead: (name: string, uri: string, ok: boolean) => void): void {
  for (const r of MCP_RESOURCES) {
    if (!allowed(r.permission)) continue;
    const read = async (uri: URL, vars: Record<string, string>) => {
      try {
        const value = await r.read(services, vars, maxChars);
        onRead(r.name, uri.href, true);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: resultText(value) }] };
      } catch (e) {
        onRead(r.name, uri.href, false);
        throw e;
      }
    };
    const meta = { title: r.title, description: r.description, mimeType: 'application/json' };
    if (r.template) {
      server.registerResource(r.name, templateOf(r.uri), meta, (uri, vars) =>
        read(uri, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, decodeURIComponent(one(v))]))),
      );
    } else {
      server.registerResource(r.name, r.uri, meta, (uri) => read(uri, {}));
    }
  }
}

