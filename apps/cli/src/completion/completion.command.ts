import type { Command, CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples } from '../shared/command';
import { UsageError } from '../shared/exit-codes';
import { bashCompletion, zshCompletion } from './completion';

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print the shell completion script for bash or zsh')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', examples('source <(aws-mcp completion bash)        # in ~/.bashrc', 'source <(aws-mcp completion zsh)         # in ~/.zshrc, after compinit', 'aws-mcp completion zsh > "${fpath[1]}/_aws-mcp"'))
    .action((shell) => {
      const root = program as unknown as CommandUnknownOpts;
      if (shell === 'bash') process.stdout.write(bashCompletion(root));
      else if (shell === 'zsh') process.stdout.write(zshCompletion(root));
      else throw new UsageError(`completion: bash or zsh (got "${shell.slice(0, 20)}")`);
    });
}
