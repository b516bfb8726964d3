import { constants as fsc } from 'node:fs';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConnectorError } from '../../connector.port';

/**
 * Path confinement for FILE integrations. Two layers: a syntactic check at validation time (no absolute
 * paths, no `..`), and a realpath check at use time so a symlinked folder cannot lead outside the data dir.
 */

/** Why a user-supplied relative path is refused, or null when it is acceptable. */
export function relativePathProblem(value: string): string | null {
  if (value.length === 0 || value.length > 1024) return 'must be 1-1024 characters';
  if (value.includes('\0')) return 'must not contain NUL';
  if (isAbsolute(value) || /^[A-Za-z]:/.test(value) || value.startsWith('\\')) return 'must be relative to the data directory';
  if (value.split(/[\\/]+/).some((seg) => seg === '..')) return "must not contain '..'";
  return null;
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/**
 * Creates (if needed) and returns the real path of a folder under `dataDir`, refusing any path whose
 * resolved location leaves the real data dir (e.g. through a symlink).
 */
export async function confinedDir(dataDir: string, relDir: string): Promise<{ root: string; dir: string }> {
  const problem = relativePathProblem(relDir === '' ? '.' : relDir);
  if (problem) throw new ConnectorError(`path ${problem}`);
  await mkdir(dataDir, { recursive: true });
  const root = await realpath(dataDir);
  const target = resolve(root, relDir);
  if (!inside(root, target)) throw new ConnectorError('path leaves the data directory');
  // Walk down creating each segment ourselves so that an existing symlink is detected before mkdir follows it.
  let current = root;
  for (const seg of relative(root, target).split(sep).filter(Boolean)) {
    current = join(current, seg);
    await mkdir(current).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    const real = await realpath(current);
    if (!inside(root, real)) throw new ConnectorError('path leaves the data directory (symlink)');
    current = real;
  }
  return { root, dir: current };
}

/** Refuses a file that exists as a symlink (O_NOFOLLOW guards the race at open time as well), a hard link, or anything but a regular file. */
export async function assertNotSymlink(file: string): Promise<void> {
  const st = await lstat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (st?.isSymbolicLink()) throw new ConnectorError(`refusing to follow a symlink: ${basename(file)}`);
  if (st) assertPlainFile(st, file);
}

/**
 * A file another name also points to (a hard link planted in the inbox or at the output path, say to a file
 * outside the data directory) or that is not a regular file is refused: checked on the open handle, so no
 * swap between the check and the read or write gets through.
 */
export function assertPlainFile(st: { isFile(): boolean; nlink: number }, file: string): void {
  if (!st.isFile()) throw new ConnectorError(`not a regular file: ${basename(file)}`);
  if (st.nlink > 1) throw new ConnectorError(`refusing a file with ${st.nlink} hard links: ${basename(file)}`);
}

/**
 * An error's message with the server's paths under `roots` (the data directory, configured and real) made relative,
 * so what a user sees names `out/events.jsonl`, never where the data directory lives.
 */
export function withoutServerPaths(message: string, roots: Array<string | undefined>): string {
  let out = message;
  for (const root of [...new Set(roots.filter((r): r is string => !!r))].sort((a, b) => b.length - a.length)) {
    out = out.split(`${root}${sep}`).join('').split(root).join('.');
  }
  return out;
}

/** Open flags for appending without following a symlink in the last path component. */
export const APPEND_FLAGS = fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_NOFOLLOW;
/** Open flags for reading an inbox file without following a symlink (nor blocking on a FIFO). */
export const READ_FLAGS = fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK;
