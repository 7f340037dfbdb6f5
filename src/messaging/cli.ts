// `tracer mail …`: send what is due, and see the outbox by status.
import type { Command } from 'commander';
import { listOrganisations, resolveOrganisation } from '../accounts/service.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { messageStatuses } from './schema.ts';
import { countMessages } from './service.ts';
import { describeMailTransport } from './transport.ts';
import { configuredMailSender, describeReport, MAIL_INTERVAL_MS, startMailWorker } from './worker.ts';

/** Opens the configured database (migrated), runs `work`, closes it: the CLI's `withDatabase`. */
export type WithDatabase = (work: (database: Database, config: Config) => Promise<void>) => Promise<void>;

const stderrLogger = {
  info: () => {},
  warn: (fields: object, message: string) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
  error: (fields: object, message: string) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
};

export function registerMessagingCommands(program: Command, withDatabase: WithDatabase): void {
  const mail = program.command('mail').description('The e-mail outbox (invitations, reminders, notices)');

  mail
    .command('send-due')
    .description(`Send the messages that are due, for every organisation; keeps sending every ${MAIL_INTERVAL_MS / 1000} s until stopped, unless --once`)
    .option('--once', 'one pass, then exit')
    .action((options: { once?: boolean }) =>
      withDatabase(async (database, config) => {
        process.stdout.write(`E-mail: ${describeMailTransport(config.mail.transport)}\n`);
        const { sender, transport } = configuredMailSender(database, config, stderrLogger);
        if (options.once) {
          try {
            process.stdout.write(`${describeReport(await sender.sendDue())}\n`);
          } finally {
            transport.close();
          }
          return;
        }
        const worker = startMailWorker(sender, transport, MAIL_INTERVAL_MS, {
          ...stderrLogger,
          info: (fields, message) => process.stdout.write(`${message} ${JSON.stringify(fields)}\n`),
        });
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        await worker.stop();
      }),
    );

  mail
    .command('status')
    .description('Count messages by status (every organisation, or the one of --org / TRACER_ORG)')
    .option('--org <slug>', 'only this organisation')
    .action((options: { org?: string }) =>
      withDatabase(async (database, config) => {
        const slug = options.org ?? config.orgSlug;
        const orgs = slug === undefined ? await listOrganisations(database.system) : [await resolveOrganisation(database.system, slug)];
        for (const org of orgs) {
          const counts = await database.withOrg(org.id, (tx) => countMessages(tx));
          process.stdout.write(`${org.slug}: ${messageStatuses.map((status) => `${status} ${counts[status]}`).join(', ')}\n`);
        }
      }),
    );
}
