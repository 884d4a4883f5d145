/**
 * `npm run vigil -- user <add|list|disable|enable|unlock|reset-password>`: first setup and
 * recovery without a running server.
 */
import { Command, Option } from 'commander';
import { ROLES, displayNameSchema, passwordSchema, usernameSchema, type Role, type UserAdminView } from '../../../contract/index.ts';
import { CliError } from './cli.errors.ts';
import type { CliContext } from './context.ts';
import { date } from './format.ts';
import { firstLine } from './prompt.ts';

function check<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } },
  value: unknown,
  what: string,
): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new CliError('USAGE', `${what}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

/** A new password from stdin, or typed twice at a prompt. */
async function newPassword(ctx: CliContext, fromStdin: boolean, forWhom: string): Promise<string> {
  if (fromStdin) return check(passwordSchema, firstLine(await ctx.io.readStdin()), 'password');
  const first = check(passwordSchema, await ctx.io.promptHidden(`New password for ${forWhom} (at least 12 characters): `), 'password');
  const again = await ctx.io.promptHidden('Again: ');
  if (again !== first) throw new CliError('USAGE', 'the two passwords differ');
  return first;
}

function status(u: UserAdminView): string {
  if (u.disabled) return 'disabled';
  if (u.lockedUntil !== null) return `locked until ${date(u.lockedUntil)}`;
  return 'active';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function userCommands(ctx: () => CliContext): Command {
  const user = new Command('user').description('people who sign in to the dashboard');

  user
    .command('add <username>')
    .description('create an account (password from a prompt, or --password-stdin)')
    .addOption(new Option('--role <role>', 'what the user may do').choices(ROLES).makeOptionMandatory())
    .option('--display-name <name>', 'name shown in the dashboard and the audit trail (default: the username)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(async (username: string, o: { role: Role; displayName?: string; passwordStdin?: boolean }) => {
      const c = ctx();
      const name = check(usernameSchema, username, 'username');
      const displayName = o.displayName === undefined ? undefined : check(displayNameSchema, o.displayName, 'display name');
      const password = await newPassword(c, o.passwordStdin === true, name);
      // The first administrator of a new installation is created before the server ever ran.
      await c.sql({ create: true });
      const created = await (await c.users()).create(c.actor, { username: name, role: o.role, displayName, password });
      c.io.out(`created ${created.username} (${created.role})\n`);
    });

  user
    .command('list')
    .description('every account, with its role and status')
    .action(async () => {
      const c = ctx();
      const rows = await (await c.users()).list();
      if (rows.length === 0) return c.io.out('no accounts yet: npm run vigil -- user add <username> --role admin\n');
      c.io.out(
        table([
          ['USERNAME', 'ROLE', 'STATUS', 'LAST LOGIN', 'DISPLAY NAME'],
          ...rows.map((u) => [u.username, u.role, status(u), date(u.lastLoginAt), u.displayName]),
        ]),
      );
    });

  const simple = [
    ['disable', "refuse sign-in and end the account's sessions"],
    ['enable', 'allow sign-in again'],
    ['unlock', 'lift a lockout after failed logins'],
  ] as const;
  for (const [action, description] of simple) {
    user
      .command(`${action} <username>`)
      .description(description)
      .action(async (username: string) => {
        const c = ctx();
        const u = await (await c.users())[action](c.actor, username);
        c.io.out(`${u.username}: ${status(u)}\n`);
      });
  }

  user
    .command('reset-password <username>')
    .description("set a new password (prompt, or --password-stdin); lifts a lockout and ends the account's sessions")
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(async (username: string, o: { passwordStdin?: boolean }) => {
      const c = ctx();
      const users = await c.users();
      await users.get(username); // fail before asking for a password
      const password = await newPassword(c, o.passwordStdin === true, username);
      const u = await users.resetPassword(c.actor, username, password);
      c.io.out(`password of ${u.username} changed; its sessions are ended\n`);
    });

  return user;
}
