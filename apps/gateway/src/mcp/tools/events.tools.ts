import { AppException } from '@app/contracts';
import { z } from 'zod';
import { parseSubjects } from '../../events/event-streams.service';
import { resultText } from '../mcp-output';
import { defineTool, READ_ONLY } from '../mcp-tool';

const recentEvents = defineTool({
  name: 'recent_events',
  title: 'Recent fleet events',
  description:
    'Reads the events the services published (CloudEvents kept in the event stream): fleet.resource.discovered / changed (with what changed) / removed, fleet.command.started / target.completed / completed, integration.created / updated / deleted / status.changed / delivery.failed, health.check.completed and health.status.changed. subjects are NATS patterns ("fleet.resource.*", "health.>"; default: every domain your role may read), since a time (default one hour ago); events come oldest first with their stream sequence: pass the last one as after_sequence to read on. Use it to see what changed in the fleet or why an integration flapped.',
  permission: 'EventsRead',
  input: z.object({
    subjects: z.array(z.string().min(1).max(256)).max(10).optional().describe('NATS subject patterns, e.g. ["fleet.resource.*"]'),
    since: z.string().max(64).optional().describe('ISO 8601 time; default one hour ago'),
    after_sequence: z.number().int().min(0).optional().describe('Read events after this stream sequence (from a previous answer)'),
    limit: z.number().int().min(1).max(500).default(50).describe('Events at most'),
  }),
  output: z.object({
    events: z.array(z.object({ sequence: z.number().int(), subject: z.string(), event: z.looseObject({ id: z.string(), type: z.string(), time: z.string() }) })),
    next_after_sequence: z.number().int().nullable().describe('Pass as after_sequence to read on; null when none came'),
  }),
  annotations: READ_ONLY,
  async run({ subjects, since, after_sequence, limit }, { services, identity, maxChars }) {
    // The same parsing and per-domain permission as the SSE stream: a pattern outside what the role may read is refused.
    const patterns = parseSubjects(subjects, identity);
    const from = since === undefined ? new Date(Date.now() - 3600_000) : new Date(since);
    if (Number.isNaN(from.getTime())) throw new AppException('VALIDATION_FAILED', 'since must be an ISO 8601 time', { errors: [{ field: 'since', message: 'must be an ISO 8601 time' }] });
    const events = await services.events.recent({ patterns, since: from, ...(after_sequence !== undefined ? { afterSequence: after_sequence } : {}), limit });
    // Fit under the cap by leaving the newest out: they are the next read (after_sequence), never lost.
    let kept = events;
    while (kept.length > 1 && resultText({ events: kept, next_after_sequence: 0 }).length > maxChars) kept = kept.slice(0, Math.max(1, Math.floor(kept.length * 0.8)));
    if (kept.length === 1 && resultText({ events: kept }).length > maxChars) throw new AppException('MCP_OUTPUT_TOO_LARGE', `Event ${kept[0].sequence} alone is larger than mcp.max_output_chars; read on with after_sequence ${kept[0].sequence}`, { status: 413 });
    const last = kept.at(-1)?.sequence ?? after_sequence ?? null;
    return { result: { events: kept, next_after_sequence: last } };
  },
});

export const EVENT_TOOLS = [recentEvents];
