import { Counter, Histogram, Registry, collectDefaultMetrics, register } from 'prom-client';

/**
 * Process-wide metrics. In standalone mode the four apps share one process and so one registry; the
 * `app` label keeps their series apart.
 */
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

let defaultsStarted = false;
export function startDefaultMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register });
}

export const httpRequests = once('http_requests_total', () => new Counter({ name: 'http_requests_total', help: 'HTTP requests handled', labelNames: ['app', 'method', 'route', 'status'] as const }));
export const httpDuration = once(
  'http_request_duration_seconds',
  () => new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['app', 'method', 'route', 'status'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }),
);
export const messagesHandled = once('message_handler_total', () => new Counter({ name: 'message_handler_total', help: 'NATS messages handled', labelNames: ['app', 'subject', 'outcome'] as const }));
export const messageDuration = once(
  'message_handler_duration_seconds',
  () => new Histogram({ name: 'message_handler_duration_seconds', help: 'NATS message handler latency', labelNames: ['app', 'subject', 'outcome'] as const, buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] }),
);
export const eventsPublished = once('events_published_total', () => new Counter({ name: 'events_published_total', help: 'Domain events published', labelNames: ['app', 'type'] as const }));

export const metricsRegistry: Registry = register;
/** Password verifications (argon2) a gateway ran for logins: what a brute-force attempt actually gets evaluated. */
export const passwordVerifications = once('auth_password_verifications_total', () => new Counter({ name: 'auth_password_verifications_total', help: 'Login passwords verified (argon2id), known and unknown users alike' }));
/** MCP tool calls a gateway answered, per tool and outcome (ok, invalid, forbidden, refused, cancelled, error, …). */
export const mcpToolCalls = once('mcp_tool_calls_total', () => new Counter({ name: 'mcp_tool_calls_total', help: 'MCP tool calls answered, per tool and outcome', labelNames: ['tool', 'outcome'] as const }));
