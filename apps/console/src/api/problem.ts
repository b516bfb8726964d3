/** An RFC 9457 problem as the gateway sends it (libs/platform's ProblemDetails). */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  correlation_id?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** Thrown by the API wrapper for every non-2xx answer, so query and mutation errors carry the problem. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  /** Field messages by field path (`connection.url`), several messages for one field joined. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
    return out;
  }
}

/** A problem from whatever came back: problem+json as is, anything else (a proxy's HTML, a network error) described. */
export function toProblem(status: number, body: unknown, statusText = ''): Problem {
  if (body && typeof body === 'object' && typeof (body as Problem).title === 'string') {
    const p = body as Problem;
    return { ...p, status: typeof p.status === 'number' ? p.status : status, errors: Array.isArray(p.errors) ? p.errors.filter((e) => e && typeof e.field === 'string' && typeof e.message === 'string') : undefined };
  }
  if (status === 0) return { title: 'The server cannot be reached', status: 0, detail: typeof body === 'string' ? body : 'Check the network and that the gateway runs.' };
  return { title: statusText || `HTTP ${status}`, status, detail: typeof body === 'string' && body.length < 300 ? body : undefined };
}

/**
 * Field errors for one form: messages whose field is under `prefix` (e.g. the part of a body the form edits),
 * keyed by the path below it, plus the ones no field of the form shows (to list above the form).
 */
export function splitFieldErrors(error: unknown, fields: readonly string[]): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  if (!(error instanceof ApiError)) return { byField, other };
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    // A message about `auth.token` belongs to the `auth.token` field; one about `auth` to the first field under it.
    const target = fields.includes(field) ? field : fields.find((f) => f.startsWith(`${field}.`));
    if (target) byField[target] = byField[target] ? `${byField[target]}; ${message}` : message;
    else other.push(`${field}: ${message}`);
  }
  return { byField, other };
}
