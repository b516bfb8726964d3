import { AccountStatus, ListAccountsQuery, ListResourcesQuery, ResourceArnRequest, ResourceSummaryQuery, StartSyncRequest, SyncIdRequest, validateInto } from '@app/contracts';
import { z } from 'zod';
import { cursorArg, defineTool, READ_ONLY } from '../mcp-tool';
import { bounded, fitPage } from '../mcp-output';

const accountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');
const tags = z.record(z.string(), z.string());
const timestamp = z.string().nullable();

const AccountSchema = z.looseObject({
  account_id: z.string(),
  name: z.string(),
  role_arn: z.string().nullable(),
  regions: z.union([z.literal('*'), z.array(z.string())]),
  tags,
  enabled: z.boolean(),
  status: z.string(),
  status_message: z.string().nullable(),
  last_sync_at: timestamp,
});

const ResourceSchema = z.looseObject({
  arn: z.string(),
  account_id: z.string(),
  region: z.string(),
  service: z.string(),
  type: z.string(),
  name: z.string(),
  state: z.string(),
  tags,
  properties: z.record(z.string(), z.unknown()),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  removed_at: timestamp,
});

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), limit: z.number().int(), next_cursor: z.string().nullable().describe('Pass as cursor to read the next page; null on the last page') });

const listAccounts = defineTool({
  name: 'list_accounts',
  title: 'List AWS accounts',
  description:
    'Lists the AWS accounts registered in this fleet, in account-id order: name, the IAM role the service assumes into it (none for the service\'s own account), the regions it covers ("*" = every enabled region), tags, whether it is enabled, its reachability status (OK, ERROR with AWS\'s message, PENDING before the first check) and when it was last synced. Use it first to learn which account ids and regions exist before searching resources or running commands. Filter by status or enabled; page with cursor.',
  permission: 'InventoryRead',
  input: z.object({
    status: z.enum(Object.values(AccountStatus) as [AccountStatus, ...AccountStatus[]]).optional().describe('Only accounts with this status'),
    enabled: z.boolean().optional().describe('Only enabled (true) or disabled (false) accounts'),
    limit: z.number().int().min(1).max(500).optional().describe('Accounts per page (default 100)'),
    cursor: cursorArg,
  }),
  output: page(AccountSchema).extend({ total: z.number().int().describe('Accounts matching the filters, all pages') }),
  annotations: READ_ONLY,
  async run(args, { services, maxChars }) {
    const query = validateInto(ListAccountsQuery, args, 'arguments');
    const result = await fitPage((limit) => services.accounts.list({ ...query, limit }), query.limit ?? 100, maxChars);
    return { result };
  },
});

const searchResources = defineTool({
  name: 'search_resources',
  title: 'Search the resource inventory',
  description:
    'Searches the inventory of AWS resources discovered across every account and region of the fleet (EC2 instances, security groups, VPCs, S3 buckets, IAM roles, Lambda functions, RDS, DynamoDB, ECS, EKS, load balancers, SQS, SNS, EventBridge, …) without calling AWS: the answer comes from the registry the periodic sync keeps. Filters combine with AND: account_id, region ("global" for IAM), service (ec2), type (service:kind, e.g. ec2:instance, s3:bucket), state (running, available, …), tags (every key=value given must match), q (free text in name and ARN), include_removed (also resources a sync no longer saw). Results are in ARN order with each resource\'s name, state, tags and AWS\'s raw description (properties); page with cursor. For counts use summarize_resources instead.',
  permission: 'InventoryRead',
  input: z.object({
    account_id: accountId.optional().describe('Only this account'),
    region: z.string().regex(/^[a-z0-9-]{1,32}$/).optional().describe('Only this region, or "global"'),
    service: z.string().regex(/^[a-z0-9-]{1,64}$/).optional().describe('Only this service, e.g. ec2'),
    type: z.string().max(128).optional().describe('Only this type, service:kind, e.g. ec2:instance'),
    state: z.string().min(1).max(64).optional().describe('Only resources in this state, e.g. running'),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional().describe('Tags that must all match, e.g. {"env":"prod"}'),
    q: z.string().min(1).max(128).optional().describe('Free text matched against name and ARN'),
    include_removed: z.boolean().optional().describe('Also resources that a sync no longer saw'),
    limit: z.number().int().min(1).max(1000).optional().describe('Resources per page (default 50; fewer when the page would exceed the output cap)'),
    cursor: cursorArg,
  }),
  output: page(ResourceSchema),
  annotations: READ_ONLY,
  async run({ tags: tagMap, ...rest }, { services, maxChars }) {
    const tag = tagMap ? Object.entries(tagMap).map(([k, v]) => `${k}:${v}`) : undefined;
    const query = validateInto(ListResourcesQuery, { ...rest, ...(tag ? { tag } : {}) }, 'arguments');
    const result = await fitPage((limit) => services.resources.list({ ...query, limit }), query.limit ?? 50, maxChars);
    return { result };
  },
});

const getResource = defineTool({
  name: 'get_resource',
  title: 'Get one resource',
  description:
    'Returns one resource of the inventory by its ARN: account, region, type, name, state, tags, AWS\'s raw description (properties, e.g. an instance\'s network interfaces or a bucket\'s policy status), and when it was first seen, last seen and (if so) removed. Use the ARNs search_resources returns.',
  permission: 'InventoryRead',
  input: z.object({ arn: z.string().min(1).max(2048).describe('The resource\'s ARN, e.g. arn:aws:ec2:us-east-1:123456789012:instance/i-0abc') }),
  output: ResourceSchema,
  annotations: READ_ONLY,
  async run(args, { services, maxChars }) {
    const { arn } = validateInto(ResourceArnRequest, args, 'arguments');
    return { result: bounded(await services.resources.get(arn), maxChars, 'this resource\'s description is too large for one result') };
  },
});

const summarizeResources = defineTool({
  name: 'summarize_resources',
  title: 'Count resources',
  description:
    'Counts the resources of the inventory: the total, and counts by type (ec2:instance, s3:bucket, …), by region and by account. Optionally for one account, and including resources a sync no longer saw. The fastest way to see what the fleet holds before searching for specifics.',
  permission: 'InventoryRead',
  input: z.object({
    account_id: accountId.optional().describe('Only this account'),
    include_removed: z.boolean().optional().describe('Also count removed resources'),
  }),
  output: z.object({ total: z.number().int(), by_type: z.record(z.string(), z.number().int()), by_region: z.record(z.string(), z.number().int()), by_account: z.record(z.string(), z.number().int()) }),
  annotations: READ_ONLY,
  async run(args, { services, maxChars }) {
    const query = validateInto(ResourceSummaryQuery, args, 'arguments');
    return { result: bounded(await services.resources.summary(query), maxChars, 'summarize one account at a time') };
  },
});

const SyncSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  tasks_total: z.number().int(),
  tasks_done: z.number().int(),
  tasks_failed: z.number().int(),
  resources_seen: z.number().int(),
  discovered: z.number().int(),
  changed: z.number().int(),
  removed: z.number().int(),
  started_at: z.string(),
  finished_at: timestamp,
  tasks: z.array(z.looseObject({})),
});

export const startSync = defineTool({
  name: 'start_sync',
  title: 'Start an inventory sync',
  description:
    'Starts discovering resources now instead of waiting for the periodic sync: every enabled account, each of its regions and every collected type, or only the accounts, regions and types given (types as service:kind, e.g. ec2:instance). Answers at once with the sync id; follow it with get_sync. Changes are reported as events (fleet.resource.discovered/changed/removed, see recent_events).',
  permission: 'InventorySync',
  input: z.object({
    account_ids: z.array(accountId).max(1000).optional().describe('Only these accounts'),
    regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/)).max(64).optional().describe('Only these regions'),
    types: z.array(z.string().max(128)).max(64).optional().describe('Only these resource types, e.g. ["ec2:instance","s3:bucket"]'),
  }),
  output: z.looseObject({ id: z.string(), status: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(args, { services }) {
    return { result: await services.inventory.startSync(validateInto(StartSyncRequest, args, 'arguments')) };
  },
});

export const getSync = defineTool({
  name: 'get_sync',
  title: 'Follow an inventory sync',
  description:
    'The progress of a sync started by start_sync or the scheduler: status (RUNNING, SUCCEEDED, PARTIAL, FAILED, …), tasks done and failed (one per account × region, plus one global task per account), resources seen, discovered, changed and removed, and each task\'s result with AWS\'s error when one failed.',
  permission: 'InventoryRead',
  input: z.object({ id: z.string().uuid().describe('The sync id') }),
  output: SyncSchema,
  annotations: READ_ONLY,
  async run(args, { services, maxChars }) {
    const { id } = validateInto(SyncIdRequest, args, 'arguments');
    return { result: bounded(await services.inventory.getSync(id), maxChars, 'the sync has too many tasks to show at once') };
  },
});

export const INVENTORY_TOOLS = [listAccounts, searchResources, getResource, summarizeResources, startSync, getSync];
