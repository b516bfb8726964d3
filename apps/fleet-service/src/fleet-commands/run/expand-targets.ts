import { AppException, CommandTargetsDto, FieldError, FLEET_COMMAND_LIMITS } from '@app/contracts';
import type { CommandAccount } from '../command-accounts.reader';

export interface ExpandedTarget {
  seq: number;
  account: CommandAccount;
  region: string;
}

const ALL = '*';

/**
 * accounts × regions: "all" is every enabled account; listed accounts must exist and be enabled; account_tags
 * keeps accounts carrying every given tag; regions "*" means each account's configured regions (an account
 * configured with "*" asks `enabledRegions` for its enabled regions), a list applies to every account.
 */
export async function expandTargets(
  targets: CommandTargetsDto,
  accounts: CommandAccount[],
  enabledRegions: (account: CommandAccount) => Promise<string[]>,
): Promise<ExpandedTarget[]> {
  const errors: FieldError[] = [];
  let selected = accounts;
  if (targets.account_ids === 'all') {
    selected = accounts.filter((a) => a.enabled);
  } else {
    const byId = new Map(accounts.map((a) => [a.account_id, a]));
    const unknown = targets.account_ids.filter((id) => !byId.has(id));
    const disabled = targets.account_ids.filter((id) => byId.get(id)?.enabled === false);
    if (unknown.length) errors.push({ field: 'targets.account_ids', message: `not registered: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}` });
    if (disabled.length) errors.push({ field: 'targets.account_ids', message: `disabled: ${disabled.slice(0, 20).join(', ')}${disabled.length > 20 ? ', …' : ''}` });
    selected = targets.account_ids.flatMap((id) => byId.get(id) ?? []);
  }
  if (errors.length) throw new AppException('VALIDATION_FAILED', `The targets name accounts that cannot run commands: ${errors.map((e) => e.message).join('; ')}`, { errors });

  const tags = Object.entries(targets.account_tags ?? {});
  if (tags.length) selected = selected.filter((a) => tags.every(([k, v]) => a.tags?.[k] === v));

  const explicit = targets.regions === ALL || (Array.isArray(targets.regions) && targets.regions.includes(ALL)) ? null : (targets.regions as string[]);
  const out: ExpandedTarget[] = [];
  for (const account of selected) {
    const regions = explicit ?? (account.regions.includes(ALL) ? await enabledRegions(account) : account.regions);
    for (const region of regions) {
      out.push({ seq: out.length, account, region });
      if (out.length > FLEET_COMMAND_LIMITS.maxTargets) {
        throw new AppException('VALIDATION_FAILED', `The targets expand to more than ${FLEET_COMMAND_LIMITS.maxTargets} account × region pairs; narrow them`, {
          errors: [{ field: 'targets', message: `more than ${FLEET_COMMAND_LIMITS.maxTargets} targets` }],
        });
      }
    }
  }
  if (!out.length) {
    throw new AppException('COMMAND_NO_TARGETS', 'No enabled account and region matches the targets', { errors: [{ field: 'targets', message: 'matches no account and region' }] });
  }
  return out;
}
