import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './exit-codes';

const MAX_FILE_BYTES = 1024 * 1024;

/** A JSON or YAML document from a file, or from stdin with `-`: an object, or a usage error naming the file. */
export function readDocument(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`-f ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new UsageError(`-f ${path}: larger than 1 MiB`);
  let doc: unknown;
  try {
    // YAML is a superset of JSON; one parser for both. No custom tags, no aliases to blow up.
    doc = parseYaml(text, { maxAliasCount: 0 });
  } catch (e) {
    throw new UsageError(`-f ${path}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`-f ${path}: expected an object (a mapping)`);
  return doc as Record<string, unknown>;
}

/** `key=value` pairs (repeatable option) into an object. */
export function keyValues(pairs: string[] | undefined, option: string): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`${option}: expected key=value (got "${p.slice(0, 80)}")`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** A comma-separated list option (`--regions us-east-1,eu-west-1`), repeatable. */
export const list = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function positiveInt(option: string): (value: string) => number {
  return (value) => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new UsageError(`${option}: a whole number ≥ 1 (got "${value.slice(0, 40)}")`);
    return Number(value);
  };
}

/** A secret from stdin (`--api-key -`, `--password-stdin`): its first line, so `echo $KEY |` works. */
export function secretFromStdin(what: string): string {
  const line = readFileSync(0, 'utf8').split(/\r?\n/)[0]?.trim() ?? '';
  if (!line) throw new UsageError(`${what}: nothing on stdin`);
  return line;
}

/** Asks on the terminal; `hidden` does not echo what is typed (passwords). */
export async function prompt(question: string, opts: { hidden?: boolean; default?: string } = {}): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`${question.replace(/:\s*$/, '')}: not given, and stdin is not a terminal to ask on`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  let muted = false;
  if (opts.hidden) {
    // Echo nothing of what is typed after the question: readline writes everything through _writeToOutput.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (!muted) process.stderr.write(s);
    };
  }
  try {
    const label = opts.default ? `${question.replace(/:\s*$/, '')} [${opts.default}]: ` : question;
    const answer = new Promise<string>((resolve) => rl.question(label, resolve));
    muted = true; // the question has been written (synchronously); what follows is the user's typing
    await answer;
    if (opts.hidden) process.stderr.write('\n');
    return (await answer).trim() || opts.default || '';
  } finally {
    rl.close();
  }
}
