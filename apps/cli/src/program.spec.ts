import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { commandTree } from './completion/completion';
import { buildProgram } from './program';

/** Every verb a person can type, with its help text as --help prints it. */
function leaves(cmd: CommandUnknownOpts, path: string[] = []): Array<{ path: string; help: string }> {
  if (!cmd.commands.length) {
    let help = '';
    cmd.configureOutput({ writeOut: (s) => (help += s), writeErr: (s) => (help += s) });
    cmd.outputHelp();
    return [{ path: path.join(' '), help }];
  }
  return cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

describe('the command tree', () => {
  const program = buildProgram() as unknown as CommandUnknownOpts;

  it('has every verb of issue 16', () => {
    const verbs = leaves(program).map((l) => l.path);
    for (const v of ['configure', 'login', 'logout', 'accounts list', 'accounts add', 'accounts discover', 'accounts sync', 'resources list', 'resources get', 'resources summary', 'commands run', 'commands get', 'commands output', 'commands list', 'integrations list', 'integrations get', 'integrations create', 'integrations update', 'integrations delete', 'integrations test', 'integrations enable', 'integrations disable', 'integrations health', 'integrations deliveries', 'integrations replay', 'events tail', 'audit list', 'users list', 'users create', 'api-keys list', 'api-keys create', 'api-keys revoke', 'completion']) {
      expect(verbs).toContain(v);
    }
  });

  it('every verb says what it does and shows an example', () => {
    for (const { path, help } of leaves(program)) {
      expect({ path, hasExample: help.includes('Examples:\n  $ ') && help.includes(`aws-mcp ${path}`) }).toEqual({ path, hasExample: true });
      expect({ path, described: /\n\n\S.{5,}\n/.test(help) }).toEqual({ path, described: true });
    }
  });

  it('completion knows each path with its own and the root options', () => {
    const run = commandTree(program).find((n) => n.path === '/commands/run')!;
    expect(run.subcommands).toEqual([]);
    expect(run.options.map((o) => o.flag)).toEqual(expect.arrayContaining(['--accounts', '--regions', '--wait', '--dry-run', '--output', '-o', '--query', '--profile', '--help']));
    expect(commandTree(program).find((n) => n.path === '')!.subcommands.map((s) => s.name)).toEqual(expect.arrayContaining(['accounts', 'commands', 'events', 'completion']));
  });
});
