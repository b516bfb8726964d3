import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Permission } from '@app/auth';
import { MCP_TOOLS } from '../../apps/gateway/src/mcp/mcp-catalog';

/** docs/mcp.md keeps up with the tool registry: every tool has its section, naming its permission and least role. */
describe('docs/mcp.md', () => {
  const doc = readFileSync(join(__dirname, '../../docs/mcp.md'), 'utf8');
  const sections = new Map(
    doc
      .split(/^### `/m)
      .slice(1)
      .map((s) => [s.slice(0, s.indexOf('`')), s] as const),
  );

  it.each(MCP_TOOLS.map((t) => [t.name, t] as const))('documents %s with its permission, least role, an example call and result', (name, tool) => {
    const section = sections.get(name);
    expect(section).toBeDefined();
    const role = Permission[tool.permission];
    expect(section).toContain(`(\`${tool.permission}\`)`);
    expect(section!.toLowerCase()).toContain(role);
    expect(section).toContain(`{ "name": "${name}"`);
    expect(section!.match(/```json/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });
});
