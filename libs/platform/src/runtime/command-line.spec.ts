import { handleCommandLine } from './command-line';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

describe('start command line', () => {
  const run = (argv: string[]) => {
    const io = { out: '', err: '', code: null as number | null };
    try {
      handleCommandLine(argv, { stdout: (s) => (io.out += s), stderr: (s) => (io.err += s), exit: (c) => { throw new Exit(c); } });
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
      io.code = e.code;
    }
    return io;
  };

  it('prints the usage for --help and -h and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = run([flag]);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^Usage: node .* \[options\]/);
      expect(r.out).toContain('--migrate-only');
    }
  });

  it('refuses an unknown option with the usage and 64, and lets the known ones through', () => {
    const r = run(['--hepl']);
    expect(r.code).toBe(64);
    expect(r.err).toContain('Unknown option --hepl');
    expect(run(['--config', 'x.yaml', '--migrate-only']).code).toBeNull();
    expect(run(['--config=x.yaml']).code).toBeNull();
    expect(run([]).code).toBeNull();
  });
});
