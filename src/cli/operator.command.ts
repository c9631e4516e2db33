import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import type { AppContext } from '../context.ts';
import { OPERATOR_ROLES } from '../http/scopes.ts';
import {
  createOperator,
  getOperatorByUsername,
  listOperators,
  updateOperatorById,
} from '../modules/operators/index.ts';
import { createOperatorBodySchema } from '../modules/operators/operators.types.ts';
import { cliActor } from './apikey.command.ts';
import { withCliContext } from './cli-context.ts';

type Print = (line: string) => void;

/** 18 random bytes: 24 base64url characters, well above the operator minimum of 12. */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** `operator create`: validates like the API; prints the password when it was generated. */
export async function runOperatorCreate(
  ctx: AppContext,
  options: { username: string; role: string; password?: string },
  print: Print,
) {
  const generated = options.password === undefined;
  const parsed = createOperatorBodySchema.safeParse({
    username: options.username,
    role: options.role,
    password: options.password ?? generatePassword(),
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const operator = await createOperator(ctx, parsed.data, cliActor());
  print(`created operator ${operator.username} (${operator.role}), id ${operator.id}`);
  if (generated) print(`password  ${parsed.data.password}   (shown only this once)`);
  return { operator, password: generated ? parsed.data.password : undefined };
}

/** `operator reset-password`: sets a new password (generated and printed when not given). */
export async function runOperatorResetPassword(
  ctx: AppContext,
  options: { username: string; password?: string },
  print: Print,
): Promise<void> {
  const operator = await getOperatorByUsername(ctx, options.username);
  const password = options.password ?? generatePassword();
  if (password.length < 12) throw new Error('password: must be at least 12 characters');
  await updateOperatorById(ctx, operator.id, { password }, cliActor());
  print(`password of ${operator.username} changed`);
  if (options.password === undefined) print(`password  ${password}   (shown only this once)`);
}

/** `membrain operator create|list|reset-password`. */
export function registerOperatorCommand(program: Command): void {
  const print: Print = (line) => process.stdout.write(`${line}\n`);
  const operator = program.command('operator').description('manage dashboard operators');

  operator
    .command('create')
    .description('create an operator; prints a generated password when --password is not given')
    .requiredOption('--username <username>', '3–64 of a-z 0-9 . _ -')
    .addOption(
      new Option('--role <role>', 'what the operator may do').choices(OPERATOR_ROLES).makeOptionMandatory(),
    )
    .option(
      '--password <password>',
      'at least 12 characters (visible in shell history: prefer the generated one)',
    )
    .action(async (options: { username: string; role: string; password?: string }) => {
      await withCliContext((ctx) => runOperatorCreate(ctx, options, print));
    });

  operator
    .command('list')
    .description('list operators with role and state')
    .action(async () => {
      await withCliContext(async (ctx) => {
        let cursor: string | undefined;
        print(['id', 'username', 'role', 'disabled', 'last login'].join('\t'));
        do {
          const page = await listOperators(ctx, { limit: 500, cursor });
          for (const o of page.data)
            print([o.id, o.username, o.role, o.disabled, o.lastLoginAt ?? '-'].join('\t'));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      });
    });

  operator
    .command('reset-password')
    .description('set a new password for an operator (e.g. a locked-out admin)')
    .requiredOption('--username <username>', 'the operator')
    .option('--password <password>', 'the new password; generated and printed when absent')
    .action(async (options: { username: string; password?: string }) => {
      await withCliContext((ctx) => runOperatorResetPassword(ctx, options, print));
    });
}
