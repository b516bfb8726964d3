import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

// The build script is plain CommonJS (it runs before anything is compiled).
const { initialJs, BUDGET_BYTES } = require('../../scripts/build-console.js') as {
  initialJs: (dir: string) => { entry: string; sizes: Array<{ file: string; gzip: number }>; total: number };
  BUDGET_BYTES: number;
};

describe('console budget: what counts as initial JavaScript', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-budget-'));
    mkdirSync(join(dir, 'assets'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, bytes: number) => writeFileSync(join(dir, file), randomBytes(bytes)); // random: gzip cannot shrink it

  it('counts the entry and its static imports, transitively, but not lazy chunks', () => {
    write('assets/index.js', 10_000);
    write('assets/vendor.js', 20_000);
    write('assets/shared.js', 5_000);
    write('assets/page.js', 400_000);
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_vendor.js'], dynamicImports: ['src/page.tsx'] },
        '_vendor.js': { file: 'assets/vendor.js', imports: ['_shared.js'] },
        '_shared.js': { file: 'assets/shared.js' },
        'src/page.tsx': { file: 'assets/page.js', isDynamicEntry: true, imports: ['_shared.js'] },
      }),
    );
    const r = initialJs(dir);
    expect(r.sizes.map((s) => s.file).sort()).toEqual(['assets/index.js', 'assets/shared.js', 'assets/vendor.js']);
    expect(r.total).toBeGreaterThan(35_000);
    expect(r.total).toBeLessThan(BUDGET_BYTES);
  });

  it('goes over the budget when a big module is imported statically', () => {
    write('assets/index.js', 10_000);
    write('assets/big.js', BUDGET_BYTES);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ 'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_big.js'] }, '_big.js': { file: 'assets/big.js' } }));
    expect(initialJs(dir).total).toBeGreaterThan(BUDGET_BYTES);
  });
});
