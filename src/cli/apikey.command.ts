import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { AppContext } from '../context.ts';
import { SCOPES } from '../http/scopes.ts';
import { createApiKey, listApiKeys, revokeApiKeyById } from '../modules/apikeys/index.ts';
import { withCliContext } from './cli-context.ts';

type Print = (line: string) => void;

/** The audit actor for admin commands: the operating-system user who ran them. */
export function cliActor(): { actorType: string; actorId: string } {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // Some containers run under a uid with no passwd entry.
  }
  return { actorType: 'cli', actorId: name };
}

/** `apikey create`: prints the new key's fields and its secret (the only time it is shown). */
export async function runApiKeyCreate(
  ctx: AppContext,
  options: { name: string; scopes: string },
  print: Print,
) {
  const scopes = options.scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const created = await createApiKey(ctx, {
    name: options.name,
    scopes,
    createdBy: 'cli',
    actor: cliActor(),
  });
  print(`id      ${created.id}`);
  print(`name    ${created.name}`);
  print(`scopes  ${created.scopes.join(',')}`);
  print(`key     ${created.key}`);
  print('The key is shown only this once: store it now (only its hash is kept).');
  return created;
}

/** `apikey list`: one line per key, never the secret. */
export async function runApiKeyList(
  ctx: AppContext,
  options: { all?: boolean },
  print: Print,
): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  print(['id', 'prefix', 'name', 'scopes', 'created', 'last used', 'revoked'].join('\t'));
  do {
    const page = await listApiKeys(ctx, { limit: 500, cursor, includeRevoked: options.all === true });
    for (const key of page.data) {
      print(
        [
          key.id,
          key.prefix,
          key.name,
          key.scopes.join(','),
          key.createdAt,
          key.lastUsedAt ?? '-',
          key.revokedAt ?? '-',
        ].join('\t'),
      );
      count += 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return count;
}

/** `membrain apikey create|list|revoke`. */
export function registerApiKeyCommand(program: Command): void {
  const print: Print = (line) => process.stdout.write(`${line}\n`);
  const apikey = program.command('apikey').description('manage API keys for the store backend');

  apikey
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--name <name>', 'a label, e.g. the shop or system using the key')
    .requiredOption('--scopes <scopes>', `comma-separated scopes, or "all": ${SCOPES.join(', ')}`)
    .action(async (options: { name: string; scopes: string }) => {
      await withCliContext((ctx) => runApiKeyCreate(ctx, options, print));
    });

  apikey
    .command('list')
    .description('list API keys (prefix, scopes, last use; never the secret)')
    .option('--all', 'include revoked keys')
    .action(async (options: { all?: boolean }) => {
      await withCliContext((ctx) => runApiKeyList(ctx, options, print));
    });

  apikey
    .command('revoke')
    .description('revoke an API key; requests with it fail from now on')
    .argument('<id>', 'the key id (key_…), as shown by `apikey list`')
    .action(async (id: string) => {
      await withCliContext((ctx) => revokeApiKeyById(ctx, id, cliActor()));
      print(`revoked ${id}`);
    });
}
