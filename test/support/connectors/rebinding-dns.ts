import type { LookupFn } from '../../../apps/integration-service/src/connectors/http/outbound-guard';

/**
 * A resolver for the guard that gives each answer once, in order, then repeats the last: DNS that rebinds
 * between lookups (a public address to the check, an internal one to whoever asks next). `asked` records calls.
 */
export function rebindingDns(...answers: string[][]): { lookup: LookupFn; asked: string[] } {
  const asked: string[] = [];
  const lookup: LookupFn = async (host) => {
    asked.push(host);
    return answers[Math.min(asked.length, answers.length) - 1];
  };
  return { lookup, asked };
}
