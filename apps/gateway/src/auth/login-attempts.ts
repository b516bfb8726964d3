/** One counted key (`u:<username>` or `a:<address>`) and how many attempts it may have in a window. */
export interface AttemptKey {
  key: string;
  max: number;
}

/** A key's row as stored. */
export interface AttemptRow {
  key: string;
  attempts: number;
  window_start: Date;
  locked_until: Date | null;
}

export interface AttemptRules {
  windowMs: number;
}

/**
 * Whether one more login may be evaluated, given the rows of all its keys (locked by the caller), and the rows
 * after reserving it. `attempts` counts the failures of the window plus the attempts being evaluated right now, so
 * a burst can never have more passwords checked than `max`, however many arrive at once: each takes a slot first.
 * A key whose lock ended, or whose window passed without a lock, starts over.
 */
export function reserveAttempt(rows: AttemptRow[], keys: AttemptKey[], rules: AttemptRules, now: Date): { allowed: true; rows: AttemptRow[]; attempts: number } | { allowed: false; retryAfterSeconds: number } {
  const t = now.getTime();
  const fresh = keys.map(({ key, max }) => {
    const row = rows.find((r) => r.key === key) ?? { key, attempts: 0, window_start: now, locked_until: null };
    const lockEnded = row.locked_until !== null && row.locked_until.getTime() <= t;
    const windowEnded = row.locked_until === null && t - row.window_start.getTime() > rules.windowMs;
    return { max, row: lockEnded || windowEnded ? { key, attempts: 0, window_start: now, locked_until: null } : row };
  });
  let lockedUntil = 0;
  let full = false;
  for (const { max, row } of fresh) {
    if (row.locked_until) lockedUntil = Math.max(lockedUntil, row.locked_until.getTime());
    else if (row.attempts >= max) full = true;
  }
  // Locked: until the lock ends. Full: every slot is taken by an attempt still being evaluated; they end within seconds.
  if (lockedUntil > t) return { allowed: false, retryAfterSeconds: Math.ceil((lockedUntil - t) / 1000) };
  if (full) return { allowed: false, retryAfterSeconds: 2 };
  const next = fresh.map(({ row }) => ({ ...row, attempts: row.attempts + 1 }));
  return { allowed: true, rows: next, attempts: Math.max(...next.map((r) => r.attempts)) };
}
