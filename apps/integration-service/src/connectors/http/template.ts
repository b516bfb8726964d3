import { CloudEvent } from '@app/contracts';

/** What `{{...}}` placeholders can read: the event and the delivery. */
export interface TemplateScope {
  event: CloudEvent;
  delivery?: { id: string; attempt: number };
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}\s]+)\s*\}\}$/;
const ROOTS = new Set(['event', 'delivery']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Placeholder paths that cannot resolve (unknown root, odd keys), for config validation. */
export function invalidPlaceholders(template: unknown): string[] {
  const bad: string[] = [];
  walkStrings(template, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) {
      const parts = m[1].split('.');
      if (!ROOTS.has(parts[0]) || parts.some((p) => p === '' || FORBIDDEN_KEYS.has(p))) bad.push(m[1]);
    }
  });
  return bad;
}

/** Reads `event.data.x` from the scope, own properties only, so a template cannot reach prototypes. */
function resolvePath(scope: TemplateScope, path: string): unknown {
  let cur: unknown = scope;
  for (const key of path.split('.')) {
    if (FORBIDDEN_KEYS.has(key) || cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A URL template: every value is percent-encoded so an event cannot change the URL's structure. */
export function renderUrl(template: string, scope: TemplateScope): string {
  return template.replace(PLACEHOLDER, (_, path: string) => encodeURIComponent(asText(resolvePath(scope, path))));
}

/** A header value: line breaks are removed so an event cannot inject headers. */
export function renderHeader(template: string, scope: TemplateScope): string {
  return template.replace(PLACEHOLDER, (_, path: string) => asText(resolvePath(scope, path))).replace(/[\r\n\0]/g, ' ');
}

/**
 * A JSON template rendered structurally (never by string concatenation, so values cannot break the JSON):
 * a string that is exactly one placeholder takes the value with its type; others are interpolated as text.
 */
export function renderJson(template: unknown, scope: TemplateScope): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return resolvePath(scope, whole[1]) ?? null;
    return template.replace(PLACEHOLDER, (_, path: string) => asText(resolvePath(scope, path)));
  }
  if (Array.isArray(template)) return template.map((t) => renderJson(t, scope));
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = renderJson(v, scope);
    return out;
  }
  return template;
}

function walkStrings(v: unknown, fn: (s: string) => void): void {
  if (typeof v === 'string') fn(v);
  else if (Array.isArray(v)) v.forEach((x) => walkStrings(x, fn));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => walkStrings(x, fn));
}
