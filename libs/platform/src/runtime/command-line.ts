import { basename, dirname } from 'node:path';

/** Options every start command (`npm start`, `node dist/apps/<app>/src/main.js`) understands. */
const OPTIONS = ['--config <file>', '--config=<file>', '--migrate-only', '--help, -h'];
const KNOWN = /^(--config(=.*)?|--migrate-only|--help|-h)$/;

/** The usage text of a start command: what it starts, its options and where settings come from. */
export function usage(script = process.argv[1] ?? 'main.js'): string {
  const app = basename(dirname(dirname(script))) || 'standalone';
  return [
    `Usage: node ${script} [options]`,
    '',
    `Starts ${app === 'standalone' ? 'the whole server in one process (gateway, fleet-service, integration-service, health-monitor)' : `the ${app} app`}.`,
    '',
    'Options:',
    '  --config <file>   read settings from this YAML file (also MCP_CONFIG_PATH)',
    '  --migrate-only    apply this app\'s database migrations and exit',
    '  --help, -h        print this help and exit',
    '',
    'Every setting can also come from the environment (MCP_<SECTION>_<KEY>, e.g. MCP_SERVER_PORT); see the README and docs/deployment.md.',
    '',
  ].join('\n');
}

/**
 * Decides before anything starts: `--help` prints the usage and exits 0; an option no start command knows
 * (a typo such as `--hepl`) prints the usage to stderr and exits 64 (EX_USAGE) instead of starting the server.
 */
export function handleCommandLine(argv = process.argv.slice(2), out: { stdout: (s: string) => void; stderr: (s: string) => void; exit: (code: number) => never } = defaultIo): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    out.stdout(usage());
    out.exit(0);
  }
  const unknown = argv.filter((a, i) => a.startsWith('-') && !KNOWN.test(a) && argv[i - 1] !== '--config');
  if (unknown.length) {
    out.stderr(`Unknown option ${unknown.join(', ')} (known: ${OPTIONS.join(', ')})\n\n${usage()}`);
    out.exit(64);
  }
}

const defaultIo = {
  stdout: (s: string) => void process.stdout.write(s),
  stderr: (s: string) => void process.stderr.write(s),
  exit: (code: number): never => process.exit(code),
};
