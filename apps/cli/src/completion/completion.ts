import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { FORMATS } from '../shared/output';

/** One node of the command tree: its path ("/accounts/list"), subcommands and options with their descriptions. */
interface Node {
  path: string;
  subcommands: Array<{ name: string; description: string }>;
  options: Array<{ flag: string; description: string; takesValue: boolean }>;
}

/** The command tree as commander knows it (the same tree --help prints), root options included everywhere. */
export function commandTree(root: CommandUnknownOpts): Node[] {
  const nodes: Node[] = [];
  const rootOptions = optionsOf(root);
  const walk = (cmd: CommandUnknownOpts, path: string) => {
    const own = path === '' ? [] : optionsOf(cmd);
    nodes.push({
      path,
      subcommands: cmd.commands.map((c) => ({ name: c.name(), description: c.description() })),
      options: [...own, ...rootOptions, { flag: '--help', description: 'show help', takesValue: false }],
    });
    for (const c of cmd.commands) walk(c, `${path}/${c.name()}`);
  };
  walk(root, '');
  return nodes;
}

function optionsOf(cmd: CommandUnknownOpts): Node['options'] {
  return cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f).map((flag) => ({ flag, description: o.description, takesValue: o.required || o.optional })));
}

/** Options whose value is a file, and options with a fixed set of values. */
const FILE_OPTIONS = ['-f', '--file'];
const VALUE_CHOICES: Record<string, readonly string[]> = { '--output': FORMATS, '-o': FORMATS };

const shellWord = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function bashCompletion(root: CommandUnknownOpts): string {
  const nodes = commandTree(root);
  const paths = nodes.filter((n) => n.path).map((n) => n.path);
  const cases = nodes.map((n) => `    ${shellWord(n.path)}) subs=${shellWord(n.subcommands.map((s) => s.name).join(' '))}; opts=${shellWord(n.options.map((o) => o.flag).join(' '))} ;;`).join('\n');
  const choices = Object.entries(VALUE_CHOICES).map(([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W ${shellWord(values.join(' '))} -- "$cur")); return ;;`).join('\n');
  return `# bash completion for aws-mcp (generated from its command tree: aws-mcp completion bash)
# Load it with:  source <(aws-mcp completion bash)   or save it in ~/.local/share/bash-completion/completions/aws-mcp
_aws_mcp() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath="" w i subs="" opts=""
  case "$prev" in
${choices}
    ${FILE_OPTIONS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -p|--profile) COMPREPLY=($(compgen -W "$(aws-mcp profiles list -o text --query '[].name' 2>/dev/null)" -- "$cur")); return ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$cmdpath/$w" in
      ${paths.map(shellWord).join('|')}) cmdpath="$cmdpath/$w" ;;
    esac
  done
  case "$cmdpath" in
${cases}
  esac
  if [[ "$cur" == -* || -z "$subs" ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -o default -F _aws_mcp aws-mcp
`;
}

/** `name:description` for zsh's _describe (a colon in the name would end it). */
const described = (name: string, description: string) => shellWord(`${name.replace(/:/g, '\\:')}:${description.replace(/\s+/g, ' ').slice(0, 100)}`);

export function zshCompletion(root: CommandUnknownOpts): string {
  const nodes = commandTree(root);
  const paths = nodes.filter((n) => n.path).map((n) => n.path);
  const cases = nodes
    .map((n) => `    (${shellWord(n.path)}) subs=(${n.subcommands.map((s) => described(s.name, s.description)).join(' ')}); opts=(${n.options.map((o) => described(o.flag, o.description)).join(' ')}) ;;`)
    .join('\n');
  const choices = Object.entries(VALUE_CHOICES).map(([flag, values]) => `    (${flag}) compadd -- ${values.join(' ')}; return ;;`).join('\n');
  return `#compdef aws-mcp
# zsh completion for aws-mcp (generated from its command tree: aws-mcp completion zsh)
# Load it with:  source <(aws-mcp completion zsh)   or save it as _aws-mcp in a directory of $fpath
_aws_mcp() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} cmdpath="" w i
  local -a subs opts
  case $prev in
${choices}
    (${FILE_OPTIONS.join('|')}) _files; return ;;
    (-p|--profile) compadd -- \${(f)"$(aws-mcp profiles list -o text --query '[].name' 2>/dev/null)"}; return ;;
  esac
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    case "$cmdpath/$w" in
      (${paths.map(shellWord).join('|')}) cmdpath="$cmdpath/$w" ;;
    esac
  done
  case $cmdpath in
${cases}
  esac
  if [[ $cur == -* || \${#subs} -eq 0 ]]; then
    _describe -t options 'option' opts
  else
    _describe -t commands 'command' subs
  fi
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _aws_mcp "$@"
else
  compdef _aws_mcp aws-mcp
fi
`;
}
