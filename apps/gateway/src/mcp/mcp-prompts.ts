import { Permission } from '@app/auth';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const text = (t: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text: t } }] });
const scope = (account?: string) => (account ? `account ${account}` : 'every account of the fleet');

// Built once: a zod schema costs more to construct than the rest of a request's server.
const accountArgs = z.object({ account_id: z.string().regex(/^\d{12}$/).optional().describe('Only this account') });
const integrationArgs = z.object({ integration_id: z.string().uuid().describe('The integration to triage') });

/** Prompts that chain the tools for common jobs; each listed only to callers who may use the tools it names. */
export function registerPrompts(server: McpServer, allowed: (p: Permission) => boolean): void {
  if (allowed('InventoryRead')) {
    server.registerPrompt(
      'inventory_report',
      { title: 'Inventory report', description: 'A report of what the fleet (or one account) runs: counts by type, region and account, notable resources, stale syncs.', argsSchema: accountArgs },
      ({ account_id }) =>
        text(
          `Write an inventory report for ${scope(account_id)}. Steps: 1) list_accounts to see the accounts, their status and last sync (flag any ERROR or a last sync older than a day). 2) summarize_resources${account_id ? ` with account_id ${account_id}` : ''} for totals by type, region and account. 3) For the three largest types, search_resources (type filter, limit 20) to name representative resources and their states. Report as sections: accounts, totals (a table), by region, notable findings. Use only what the tools return; say when a sync is missing.`,
        ),
    );
    server.registerPrompt(
      'security_review_public_resources',
      { title: 'Security review of public resources', description: 'Looks for resources reachable from the internet: open security groups, public buckets, public IPs, internet-facing load balancers.', argsSchema: accountArgs },
      ({ account_id }) =>
        text(
          `Review ${scope(account_id)} for resources exposed to the internet, from the inventory (no changes). Steps: 1) search_resources type ec2:security-group and inspect properties.IpPermissions for 0.0.0.0/0 or ::/0, especially on ports 22, 3389 and databases. 2) search_resources type ec2:instance and list those with a PublicIpAddress, with their security groups. 3) search_resources type s3:bucket and use get_resource to read each bucket's public-access and policy status in properties. 4) search_resources type elasticloadbalancing:loadbalancer for Scheme internet-facing. 5) Where the inventory lacks a detail, check_aws_cli a read-only command first and run it with run_aws_cli only if the policy allows it (never a mutating command). Report each finding with its ARN, account, region, why it is exposed and a suggested fix; end with a prioritised list.`,
        ),
    );
  }
  if (allowed('IntegrationsRead')) {
    server.registerPrompt(
      'triage_unhealthy_integration',
      { title: 'Triage an unhealthy integration', description: 'Finds why an integration is failing and what to do: health history, last errors, dead letters, recent events.', argsSchema: integrationArgs },
      ({ integration_id }) =>
        text(
          `Triage integration ${integration_id}. Steps: 1) get_integration_health with history: true: status, consecutive failures against the threshold, last error, uptime over 24 h, when it started failing. 2) get_integration: type, endpoint and settings (secrets are masked), lifecycle status and its reason. 3) list_deliveries with status DEAD_LETTERED and then RETRYING: what failed and the HTTP status or error. 4) recent_events with subjects ["integration.>","health.>"] since the failures began. 5) Conclude the likely cause (endpoint down, auth, rate limit, bad configuration). If your role allows and the receiver looks fixed, test_integration, and only once it is healthy suggest replay_dead_letters since the first failure. Report the timeline, the cause, and the actions taken or recommended.`,
        ),
    );
  }
}
