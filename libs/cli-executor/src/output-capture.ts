import { createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';

/**
 * Captures one output stream of the child: the first `capBytes` stay in memory for the result; once the
 * stream grows past the cap, everything (from byte 0) goes to a spill file so the full output can still
 * be fetched without holding it in memory. Past `maxSpillBytes` it stops writing and reports the overflow
 * so the executor can stop the child instead of filling the disk.
 */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private held = 0;
  private total = 0;
  private firstDropped: number | null = null;
  private file: WriteStream | null = null;
  private filePath: string | null = null;
  private spilled = 0;
  private overflowed = false;

  constructor(
    private readonly name: string,
    private readonly capBytes: number,
    private readonly maxSpillBytes: number,
    /** Creates (once) and returns the run's private spill directory; synchronous so writes stay ordered. */
    private readonly spillDir: () => string,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get truncated(): boolean {
    return this.total > this.capBytes;
  }

  /** The spill file holding the whole stream, or null when the result already holds all of it. */
  get path(): string | null {
    return this.filePath;
  }

  /** Returns false once the spill limit is reached (the caller should stop the child). */
  write(chunk: Buffer): boolean {
    const room = this.capBytes - this.held;
    if (room > 0) {
      const keep = chunk.subarray(0, room);
      this.chunks.push(keep);
      this.held += keep.length;
    }
    if (chunk.length > Math.max(room, 0) && this.firstDropped === null) this.firstDropped = chunk[Math.max(room, 0)];
    this.total += chunk.length;
    if (this.total <= this.capBytes) return true;
    if (this.overflowed) return false;
    if (!this.file) {
      this.filePath = join(this.spillDir(), this.name);
      this.file = createWriteStream(this.filePath, { mode: 0o600 });
      // Everything before this chunk is exactly what the head holds.
      this.spill(Buffer.concat(this.chunks).subarray(0, this.total - chunk.length));
    }
    if (this.spilled + chunk.length > this.maxSpillBytes) {
      this.spill(chunk.subarray(0, Math.max(0, this.maxSpillBytes - this.spilled)));
      this.overflowed = true;
      return false;
    }
    this.spill(chunk);
    return true;
  }

  private spill(b: Buffer): void {
    if (b.length === 0 || !this.file) return;
    this.spilled += b.length;
    this.file.write(b);
  }

  async close(): Promise<void> {
    const file = this.file;
    if (!file || file.closed) return;
    await new Promise<void>((resolve, reject) => {
      file.once('error', reject);
      file.end(() => resolve());
    });
  }

  /** The kept head as text, cut back to a whole UTF-8 character when the cap split one. */
  text(): string {
    const buf = Buffer.concat(this.chunks);
    let cut = buf.length;
    if (this.firstDropped !== null && (this.firstDropped & 0xc0) === 0x80) {
      while (cut > 0 && (buf[cut - 1] & 0xc0) === 0x80) cut--;
      if (cut > 0) cut--; // the lead byte of the split character
    }
    return buf.subarray(0, cut).toString('utf8');
  }
}
