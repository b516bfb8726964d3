import { CommanderError } from '@commander-js/extra-typings';
import { contextOf } from './shared/command';
import { ExitCode } from './shared/exit-codes';
import { reportError } from './shared/report-error';
import { buildProgram } from './program';

/** Runs one invocation and returns its exit code (docs/cli.md: 0 ok, 1 failed, 2 usage, 3 auth, 4 not found, 5 unavailable). */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    let hints = { usesTokens: false, profile: 'default' };
    try {
      const ctx = contextOf(program);
      hints = { usesTokens: ctx.usesTokens(), profile: ctx.profileName };
    } catch {
      // the root options themselves were the problem (reported below)
    }
    return reportError(e, hints);
  } finally {
    const warning = safeWarning(program);
    if (warning) process.stderr.write(`aws-mcp: warning: ${warning}\n`);
  }
}

function safeWarning(program: ReturnType<typeof buildProgram>): string | undefined {
  try {
    return contextOf(program).store.warning;
  } catch {
    return undefined;
  }
}

/** The process entry (bin/aws-mcp.js): runs argv and exits with the code once stdout has drained. */
export function main(argv: string[] = process.argv.slice(2)): void {
  const exit = (code: number) => process.stdout.write('', () => process.exit(code)); // after stdout drained; idle keep-alive sockets must not hold the exit
  run(argv).then(exit, (e: unknown) => {
    process.stderr.write(`aws-mcp: ${(e as Error)?.stack ?? String(e)}\n`);
    exit(ExitCode.Failed);
  });
}

if (require.main === module) main();
