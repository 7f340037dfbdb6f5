// The `tracer` command: a thin shell over the domain services. Each subcommand opens the
// configured database, does one thing and closes it. Failures print one line, never a trace.
import { Command, CommanderError, Option } from 'commander';
import { memberRoles, type MemberRole } from '../accounts/schema.ts';
import { AccountError, addMember, createOrganisation, listOrganisations, resolveOrganisation } from '../accounts/service.ts';
import { registerAnalyticsCommands, registerEngineCommands } from '../analytics/cli.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_PASSWORD, loadDemo } from '../demo/load.ts';
import { registerImportCommands } from '../imports/cli.ts';
import { registerMessagingCommands } from '../messaging/cli.ts';
import { registerBackupCommands } from '../backup/cli.ts';
import { registerPrivacyCommands } from '../privacy/cli.ts';
import { Problem } from '../http/problem.ts';
import { BackupFileError } from '../backup/format.ts';
import { registerWaveCommands } from '../waves/cli.ts';
import { registerInstrumentCommands } from '../instruments/cli.ts';
import { registerReportCommands } from '../report/cli.ts';
import { serve } from './serve.ts';

/** Errors a user can fix: printed as one line. */
export class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError || error instanceof AccountError || error instanceof UsageError || error instanceof BackupFileError || error instanceof Problem) {
      process.stderr.write(`tracer: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`tracer: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

function buildProgram(): Command {
  const program = new Command('tracer')
    .description('Tracer: measure what training and capacity development actually change.')
    .addHelpText(
      'after',
      `
Configuration (environment):
  DATABASE_URL     PostgreSQL server (postgres://user:pass@host:5432/db); when absent the embedded database is used
  TRACER_DATA_DIR  folder of the embedded database (default ./.tracer-data)
  PORT             HTTP port (default 3000); HOST (default 127.0.0.1)
  TRACER_ORG       slug of the organisation CLI commands act on (default: the only one)`,
    )
    .exitOverride()
    .showHelpAfterError();

  program
    .command('serve')
    .description('Start the web server (applies pending migrations first)')
    .option('--demo', 'load the demo organisation first if the database is empty')
    .action(async (options: { demo?: boolean }) => {
      await serve(loadConfig(), { demo: options.demo === true });
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(() =>
      withDatabase(async (database) => {
        process.stdout.write(`Database is up to date (${database.kind}).\n`);
      }),
    );

  program
    .command('demo')
    .description('Load the demo organisation (a training centre with realistic data) into the database')
    .action(() =>
      withDatabase(async (database) => {
        const summary = await loadDemo(database);
        process.stdout.write(`${summary}\nSign in as admin@demo.tracer with password ${DEMO_PASSWORD}\n`);
      }),
    );

  const org = program.command('org').description('Manage organisations (tenants)');
  org
    .command('create')
    .description('Create an organisation')
    .argument('<slug>', 'short identifier: lower-case letters, digits, hyphens')
    .requiredOption('--name <name>', 'display name')
    .action((slug: string, options: { name: string }) =>
      withDatabase(async (database) => {
        const created = await createOrganisation(database.system, slug, options.name);
        process.stdout.write(`Created organisation ${created.slug} (${created.name}).\n`);
      }),
    );
  org
    .command('list')
    .description('List organisations')
    .action(() =>
      withDatabase(async (database) => {
        for (const found of await listOrganisations(database.system)) process.stdout.write(`${found.slug}\t${found.name}\n`);
      }),
    );

  const user = program.command('user').description('Manage users of an organisation');
  user
    .command('create')
    .description('Create a user (or update an existing one) and give them a role in the organisation')
    .argument('<email>', 'e-mail address used to sign in')
    .addOption(new Option('--role <role>', 'role in the organisation').choices(memberRoles).makeOptionMandatory())
    .option('--name <name>', 'display name (default: the part of the e-mail before @)')
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((email: string, options: { role: MemberRole; name?: string; passwordStdin?: boolean; org?: string }) =>
      withDatabase(async (database, config) => {
        const password = options.passwordStdin ? await readFirstLine(process.stdin) : undefined;
        const target = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        await addMember(database.system, target.id, {
          email,
          role: options.role,
          ...(options.name === undefined ? {} : { displayName: options.name }),
          ...(password === undefined ? {} : { password }),
        });
        process.stdout.write(`User ${email} is ${options.role} of ${target.slug}${password ? ' (password set)' : ''}.\n`);
      }),
    );

  registerImportCommands(program);
  registerAnalyticsCommands(program);
  registerEngineCommands(program);
  registerMessagingCommands(program, withDatabase);
  registerBackupCommands(program, withDatabase);
  registerPrivacyCommands(program, withDatabase);
  registerWaveCommands(program, withDatabase);
  registerInstrumentCommands(program);
  registerReportCommands(program);
  return program;
}

/** Opens the configured database, applies pending migrations, runs `work`, closes. */
export async function withDatabase(work: (database: Database, config: Config) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await migrate(database);
    await work(database, config);
  } finally {
    await database.close();
  }
}

async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError('--password-stdin: no password on standard input');
  return line;
}
