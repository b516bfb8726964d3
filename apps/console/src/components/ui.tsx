import { ApiConnectionError, ApiError } from '@app/api-client';
import { useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { Button } from 'react-aria-components';

let firstPage = true;

/**
 * One page: its heading and its actions. After a client-side navigation focus moves to the new page's heading, so
 * keyboard and screen-reader users start at the top of what changed (not on the first load: nothing moved yet).
 */
export function Page({ title, actions, children, subtitle }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (firstPage) firstPage = false;
    else heading.current?.focus({ preventScroll: false });
  }, []);
  return (
    <>
      <div className="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            {title}
          </h1>
          {subtitle && <p className="subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

/** What went wrong, as a person wants it: the problem's title and detail, its code and correlation id to quote. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  let title = 'Something went wrong';
  let detail = String((error as Error)?.message ?? error);
  let meta: string | undefined;
  if (error instanceof ApiError) {
    title = error.title;
    detail = error.detail && error.detail !== error.title ? error.detail : '';
    meta = [error.code, error.correlationId && `correlation id ${error.correlationId}`].filter(Boolean).join(' · ');
  } else if (error instanceof ApiConnectionError) {
    title = 'The gateway cannot be reached';
  }
  return (
    <div className="notice error" role="alert">
      <strong>{title}</strong>
      {detail && <p>{detail}</p>}
      {error instanceof ApiError && error.fieldErrors.length > 0 && (
        <ul>
          {error.fieldErrors.map((f) => (
            <li key={`${f.field}:${f.message}`}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {meta && <p className="meta">{meta}</p>}
      {onRetry && (
        <Button className="button small" onPress={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

const TONE: Record<string, 'ok' | 'bad' | 'warn' | 'info' | 'muted'> = {
  ACTIVE: 'ok',
  HEALTHY: 'ok',
  OK: 'ok',
  SUCCESS: 'ok',
  SUCCEEDED: 'ok',
  DELIVERED: 'ok',
  CLOSED: 'ok',
  ERROR: 'bad',
  UNHEALTHY: 'bad',
  FAILED: 'bad',
  FAILURE: 'bad',
  DEAD: 'bad',
  OPEN: 'bad',
  TIMED_OUT: 'bad',
  PARTIAL: 'warn',
  HALF_OPEN: 'warn',
  CONFIGURING: 'info',
  TESTING: 'info',
  PENDING: 'info',
  RUNNING: 'info',
  IN_PROGRESS: 'info',
  IN_FLIGHT: 'info',
  INACTIVE: 'muted',
  DEPRECATED: 'muted',
  CANCELLED: 'muted',
  SKIPPED: 'muted',
  UNKNOWN: 'muted',
};

/** A status as text with a colour (never colour alone). */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  const s = status ?? 'UNKNOWN';
  return <span className={`badge ${TONE[s] ?? 'muted'}`}>{s.replace(/_/g, ' ')}</span>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function KeyValues({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="kv">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Tags({ tags }: { tags: Record<string, string> | null | undefined }) {
  const entries = Object.entries(tags ?? {});
  if (!entries.length) return <span className="muted">none</span>;
  return (
    <ul className="tags" aria-label="Tags">
      {entries.map(([k, v]) => (
        <li key={k}>
          <span className="tag-key">{k}</span>
          <span className="tag-value">{v}</span>
        </li>
      ))}
    </ul>
  );
}

const rtf = typeof Intl !== 'undefined' ? new Intl.RelativeTimeFormat('en', { numeric: 'auto' }) : undefined;

/** One clock for every relative time on the page, ticking every 15 s while any is shown. */
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const clock = new Set<() => void>();
const subscribeClock = (listener: () => void) => {
  clock.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of clock) l();
  }, 15_000);
  return () => {
    clock.delete(listener);
    if (!clock.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
};

/** A time as "3 minutes ago", with the exact time on hover and for assistive technology. */
export function Time({ value }: { value: string | null | undefined }) {
  const current = useSyncExternalStore(subscribeClock, () => now);
  if (!value) return <span className="muted">—</span>;
  const d = new Date(value);
  // A time just after the clock's last tick is "now", not "in 2 seconds".
  const seconds = Math.round((d.getTime() - Math.max(current, d.getTime())) / 1000);
  const abs = Math.abs(seconds);
  const [n, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs < 60 ? [seconds, 'second'] : abs < 3600 ? [Math.round(seconds / 60), 'minute'] : abs < 86400 ? [Math.round(seconds / 3600), 'hour'] : [Math.round(seconds / 86400), 'day'];
  return (
    <time dateTime={d.toISOString()} title={d.toLocaleString()}>
      {rtf ? rtf.format(n, unit) : d.toLocaleString()}
    </time>
  );
}

/** Forward-only cursor paging with a way back (the cursors seen so far). */
export function Pager({ hasPrevious, nextCursor, onPrevious, onNext, label }: { hasPrevious: boolean; nextCursor: string | null | undefined; onPrevious(): void; onNext(cursor: string): void; label: string }) {
  if (!hasPrevious && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <Button className="button" isDisabled={!hasPrevious} onPress={onPrevious}>
        ← Previous
      </Button>
      <Button className="button" isDisabled={!nextCursor} onPress={() => nextCursor && onNext(nextCursor)}>
        Next →
      </Button>
    </nav>
  );
}
