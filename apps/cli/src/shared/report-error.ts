import { ApiConnectionError, ApiError } from '@app/api-client';
import { exitCodeFor, ExitCode, NoCredentialsError, ReportedFailure, UsageError } from './exit-codes';
import { visible } from './output';

/**
 * The lines an error prints on stderr: the problem's title (status, code), detail, each field error, the
 * correlation id to find it in the logs and audit, and what to do when that is clear.
 */
function describeError(e: unknown, hints: { usesTokens: boolean; profile: string }): string[] {
  if (e instanceof ApiError) {
    const lines = [`${visible(e.title)} (${e.status} ${visible(e.code)})`];
    if (e.detail && e.detail !== e.title) lines.push(`  ${visible(e.detail)}`);
    for (const f of e.fieldErrors) lines.push(`  - ${visible(f.field)}: ${visible(f.message)}`);
    if (e.retryAfterSeconds) lines.push(`  retry after ${e.retryAfterSeconds} s`);
    if (e.correlationId) lines.push(`  correlation id: ${visible(e.correlationId)}`);
    if (e.status === 401) lines.push(hints.usesTokens ? `  your session has ended: aws-mcp login${hints.profile === 'default' ? '' : ` --profile ${hints.profile}`}` : '  check the API key (aws-mcp configure --api-key -, or AWS_MCP_API_KEY)');
    return lines;
  }
  if (e instanceof ApiConnectionError) return [e.message, '  is the gateway running there? (aws-mcp configure --url, or AWS_MCP_URL)'];
  if (e instanceof UsageError || e instanceof NoCredentialsError || e instanceof ReportedFailure) return [e.message];
  return [`unexpected error: ${(e as Error)?.stack ?? String(e)}`];
}

export function reportError(e: unknown, hints: { usesTokens: boolean; profile: string }): ExitCode {
  const lines = describeError(e, hints);
  process.stderr.write(`aws-mcp: ${lines.join('\n')}\n`);
  return exitCodeFor(e);
}
