import { visible } from '../shared/output';

export interface TargetState {
  account_id: string;
  region: string;
  status: string;
  exit_code?: number | null;
  duration_ms?: number | null;
  error?: string | null;
}

const DONE = new Set(['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED']);
const MARK: Record<string, string> = { SUCCESS: '✔', FAILED: '✖', TIMED_OUT: '⏱', CANCELLED: '⊘', SKIPPED: '·', IN_PROGRESS: '…', PENDING: ' ' };

export const isDone = (status: string): boolean => DONE.has(status);

/** `123456789012  us-east-1  ✔ SUCCESS  exit 0  0.8 s  <error>` */
function targetLine(t: TargetState, regionWidth = 14): string {
  const parts = [t.account_id, t.region.padEnd(regionWidth), `${MARK[t.status] ?? '?'} ${t.status.padEnd(11)}`];
  if (t.exit_code !== null && t.exit_code !== undefined) parts.push(`exit ${t.exit_code}`);
  if (t.duration_ms !== null && t.duration_ms !== undefined) parts.push(`${(t.duration_ms / 1000).toFixed(1)} s`);
  if (t.error) parts.push(visible(t.error).slice(0, 160));
  return parts.join('  ');
}

/**
 * Per-target progress of a running command on stderr. On a terminal: one block redrawn in place (at most as many
 * target lines as the window has rows, unfinished and failed ones first). Otherwise: one plain line per target
 * as it finishes, for logs.
 */
export class CommandProgress {
  private readonly targets = new Map<string, TargetState>();
  private readonly printed = new Set<string>();
  private drawnLines = 0;
  private lastDraw = 0;
  private pending?: NodeJS.Timeout;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly live: boolean,
    private readonly title: string,
  ) {}

  update(states: TargetState[]): void {
    for (const s of states) {
      const key = `${s.account_id}/${s.region}`;
      const known = this.targets.get(key);
      // Never step back: a poll answered before an event can carry an older state than the event.
      if (known && isDone(known.status) && !isDone(s.status)) continue;
      this.targets.set(key, { ...known, ...s });
      if (!this.live && isDone(s.status) && !this.printed.has(key)) {
        this.printed.add(key);
        this.out.write(`${targetLine(this.targets.get(key)!)}\n`);
      }
    }
    if (this.live) this.scheduleDraw();
  }

  /** Removes the live block (the final result is printed to stdout afterwards). */
  finish(): void {
    clearTimeout(this.pending);
    if (this.live) this.erase();
  }

  private scheduleDraw(): void {
    if (this.pending) return;
    const wait = Math.max(0, 100 - (Date.now() - this.lastDraw));
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, wait);
  }

  private erase(): void {
    if (this.drawnLines) this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const all = [...this.targets.values()];
    const done = all.filter((t) => isDone(t.status)).length;
    const running = all.filter((t) => t.status === 'IN_PROGRESS').length;
    const failed = all.filter((t) => isDone(t.status) && t.status !== 'SUCCESS').length;
    const room = Math.max(3, (this.out.rows || 24) - 3);
    const rank = (t: TargetState) => (t.status === 'IN_PROGRESS' ? 0 : isDone(t.status) && t.status !== 'SUCCESS' ? 1 : t.status === 'PENDING' ? 2 : 3);
    const shown = all.length <= room ? all : [...all].sort((a, b) => rank(a) - rank(b)).slice(0, room - 1);
    const width = Math.max(9, ...all.map((t) => t.region.length));
    const cols = this.out.columns || 120;
    const lines = [`${this.title} — ${done}/${all.length} done, ${running} running${failed ? `, ${failed} not successful` : ''}`, ...shown.map((t) => `  ${targetLine(t, width)}`)];
    if (shown.length < all.length) lines.push(`  … and ${all.length - shown.length} more`);
    this.erase();
    this.out.write(lines.map((l) => (l.length > cols ? `${l.slice(0, cols - 1)}…` : l)).join('\n') + '\n');
    this.drawnLines = lines.length;
  }
}
