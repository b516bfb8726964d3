import { TokenSession } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import { contextOf, examples } from '../shared/command';
import { DEFAULT_PROFILE, normaliseUrl } from '../shared/context';
import { UsageError } from '../shared/exit-codes';
import { prompt, secretFromStdin } from '../shared/input';
import { col } from '../shared/output';

const API_KEY = /^mcp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

/** Plain http to anything but this machine sends the credential readable by anyone on the way. */
function warnIfCleartext(url: string, note: (m: string) => void): void {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(hostname) && !hostname.startsWith('127.')) note(`warning: ${url} is plain http: credentials travel unencrypted; use https`);
}

export function registerAuth(program: Command): void {
  program
    .command('configure')
    .description('Store the server URL and an API key for a profile (~/.config/aws-mcp/credentials.json, mode 0600)')
    .option('--api-key <key>', 'an API key (mcp_…); "-" reads it from stdin so that it stays out of the shell history')
    .addHelpText('after', examples('aws-mcp configure --url http://127.0.0.1:8000 --api-key - < key.txt', 'aws-mcp configure --profile prod --url https://mcp.example.com', 'aws-mcp configure    # asks for what is missing'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      const current = ctx.profile();
      const interactive = process.stdin.isTTY === true && opts.apiKey === undefined && ctx.globals.url === undefined;
      const rawUrl = ctx.globals.url ?? (interactive ? await prompt('Gateway URL: ', { default: current?.url ?? 'http://127.0.0.1:8000' }) : current?.url);
      if (!rawUrl) throw new UsageError('configure: --url is required for a new profile');
      const url = normaliseUrl(rawUrl, '--url');
      let apiKey = opts.apiKey === '-' ? secretFromStdin('--api-key -') : opts.apiKey;
      if (apiKey === undefined && interactive) apiKey = (await prompt('API key (empty: log in with a user instead): ', { hidden: true })) || undefined;
      if (apiKey !== undefined && !API_KEY.test(apiKey)) throw new UsageError('--api-key: not an API key (mcp_<16 hex>_<43 characters>)');
      warnIfCleartext(url, ctx.note.bind(ctx));
      await ctx.store.update(ctx.profileName, (p) => {
        // A new server or a new key replaces the old credentials; the URL alone keeps them if it did not change.
        if (apiKey) return { url, api_key: apiKey };
        if (p && p.url === url) return { ...p, url };
        return { url };
      });
      const saved = ctx.store.get(ctx.profileName)!;
      ctx.note(`profile "${ctx.profileName}": ${url}, ${saved.api_key ? 'API key' : saved.tokens ? `logged in as ${saved.username}` : `no credentials yet (aws-mcp login${ctx.profileName === DEFAULT_PROFILE ? '' : ` --profile ${ctx.profileName}`})`} — ${ctx.store.path}`);
    });

  program
    .command('login')
    .description('Log in with a username and password; the profile keeps the session, whose tokens refresh themselves')
    .option('-u, --username <name>', 'the user (default: the profile\'s last one, else asked)')
    .option('--password-stdin', 'read the password from stdin (scripts); otherwise it is asked without echo')
    .addHelpText('after', examples('aws-mcp login --url http://127.0.0.1:8000 -u admin', 'printf %s "$PW" | aws-mcp login -u ci --password-stdin --profile ci'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      const url = ctx.serverUrl();
      const username = opts.username ?? ctx.profile()?.username ?? (await prompt('Username: '));
      if (!username) throw new UsageError('login: --username is required');
      const password = opts.passwordStdin ? secretFromStdin('--password-stdin') : await prompt('Password: ', { hidden: true });
      warnIfCleartext(url, ctx.note.bind(ctx));
      const session = await TokenSession.login(username, password, ctx.baseOptions(url));
      await ctx.store.update(ctx.profileName, () => ({ url, username, tokens: session.current }));
      ctx.note(`logged in to ${url} as ${username} (profile "${ctx.profileName}")`);
    });

  program
    .command('logout')
    .description('End the session of the profile on the server and forget its tokens')
    .addHelpText('after', examples('aws-mcp logout', 'aws-mcp logout --profile prod'))
    .action(async (_opts, cmd) => {
      const ctx = contextOf(cmd);
      const profile = ctx.profile();
      if (!profile?.tokens) {
        ctx.note(`profile "${ctx.profileName}" has no login session`);
        return;
      }
      const store = ctx.store.tokenStore(ctx.profileName);
      try {
        await new TokenSession(profile.tokens, { ...ctx.baseOptions(profile.url), store }).logout();
      } finally {
        // Forget the tokens even when the server could not be told: they are no use to anyone here any more.
        await ctx.store.update(ctx.profileName, (p) => p && { url: p.url, username: p.username });
      }
      ctx.note(`logged out of ${profile.url} (profile "${ctx.profileName}")`);
    });

  const profiles = program.command('profiles').description('The profiles of the credentials file (secrets never shown)');
  profiles
    .command('list')
    .description('Each profile with its server and kind of credential')
    .addHelpText('after', examples('aws-mcp profiles list', 'aws-mcp profiles list -o json --query "[?auth==\'none\'].name"'))
    .action((_opts, cmd) => {
      const ctx = contextOf(cmd);
      const rows = Object.entries(ctx.store.read().profiles).map(([name, p]) => ({
        name,
        url: p.url,
        auth: p.api_key ? 'api-key' : p.tokens ? 'login' : 'none',
        username: p.username ?? null,
        session_expires_at: p.tokens ? new Date(p.tokens.refresh_expires_at).toISOString() : null,
      }));
      ctx.print(rows, { columns: [col('Name'), col('URL'), col('Auth'), col('Username'), col('Session expires', 'session_expires_at')] });
    });
  profiles
    .command('remove')
    .description('Delete a profile from the credentials file (does not log out: use logout first)')
    .argument('<name>', 'the profile')
    .addHelpText('after', examples('aws-mcp profiles remove staging'))
    .action(async (name, _opts, cmd) => {
      const ctx = contextOf(cmd);
      if (!ctx.store.get(name)) throw new UsageError(`no profile "${name.slice(0, 64)}"`);
      await ctx.store.update(name, () => undefined);
      ctx.note(`removed profile "${name}"`);
    });
}
