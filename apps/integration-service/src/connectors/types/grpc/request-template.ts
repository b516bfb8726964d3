/**
 * Maps an event to a request message. The template is JSON whose strings may hold `{{path}}` placeholders
 * (`event.data.instance`, `event.id`, `delivery_id`, `attempt`). A string that is exactly one placeholder takes
 * the value with its type (object, number); placeholders inside longer strings are interpolated as text.
 */

const WHOLE = /^\{\{\s*([\w.]+)\s*\}\}$/;
const PART = /\{\{\s*([\w.]+)\s*\}\}/g;

function lookup(scope: Record<string, unknown>, path: string): unknown {
  let cur: unknown = scope;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function renderTemplate(template: unknown, scope: Record<string, unknown>): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return lookup(scope, whole[1]);
    return template.replace(PART, (_m, path: string) => {
      const v = lookup(scope, path);
      if (v === undefined || v === null) return '';
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(template)) return template.map((t) => renderTemplate(t, scope)).filter((v) => v !== undefined);
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, t] of Object.entries(template)) {
      const v = renderTemplate(t, scope);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return template;
}
