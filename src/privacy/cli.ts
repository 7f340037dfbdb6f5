// `tracer privacy …`: the privacy operations for an operator of the installation (audit-logged
// without a user: the audit entry's actor is empty, which reads as "the command line").
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { resolveOrganisation } from '../accounts/service.ts';
import { UsageError } from '../cli/main.ts';
import type { WithDatabase } from '../messaging/cli.ts';
import { changeRetention, eraseParticipant, exportParticipant, purgeEveryOrganisation, purgeInactive } from './service.ts';

const cli = { kind: 'cli' } as const;

export function registerPrivacyCommands(program: Command, withDatabase: WithDatabase): void {
  const privacy = program.command('privacy').description('Erase or export a participant’s personal data; the retention period and its purge');

  privacy
    .command('erase')
    .description('Erase one participant’s personal data (responses kept, de-identified; indicators unchanged)')
    .argument('<participant>', 'the participant id (participant_id of the imports) or internal uuid')
    .option('--org <slug>', 'the organisation (default: the only one, or TRACER_ORG)')
    .action((participant: string, options: { org?: string }) =>
      withDatabase(async (database, config) => {
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        const result = await database.withOrg(org.id, (tx) => eraseParticipant(tx, cli, participant));
        process.stdout.write(`Erased the personal data of participant ${result.participantId}; ${result.pendingMessagesCancelled} unsent e-mail(s) cancelled\n`);
      }),
    );

  privacy
    .command('export')
    .description('Everything held about one participant, as JSON (a subject access request)')
    .argument('<participant>', 'the participant id (participant_id of the imports) or internal uuid')
    .option('--org <slug>', 'the organisation (default: the only one, or TRACER_ORG)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action((participant: string, options: { org?: string; out?: string }) =>
      withDatabase(async (database, config) => {
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        const dossier = await database.withOrg(org.id, (tx) => exportParticipant(tx, cli, participant));
        const json = `${JSON.stringify(dossier, null, 2)}\n`;
        if (options.out) await writeFile(options.out, json, { mode: 0o600 });
        else process.stdout.write(json);
      }),
    );

  privacy
    .command('retention')
    .description('Set how many months personal data of inactive participants is kept (--months N), or keep it until erased by hand (--off)')
    .option('--org <slug>', 'the organisation (default: the only one, or TRACER_ORG)')
    .option('--months <n>', 'months of inactivity after which personal data is erased', (value) => Number(value))
    .option('--off', 'no retention period')
    .action((options: { org?: string; months?: number; off?: boolean }) =>
      withDatabase(async (database, config) => {
        if ((options.months === undefined) === (options.off !== true)) throw new UsageError('Say --months N or --off');
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        await database.withOrg(org.id, (tx) => changeRetention(tx, cli, options.off ? undefined : options.months));
        process.stdout.write(options.off ? `${org.slug}: personal data kept until erased by hand\n` : `${org.slug}: personal data of participants inactive for ${options.months} months is erased\n`);
      }),
    );

  privacy
    .command('purge')
    .description('Erase the personal data of participants inactive for longer than the retention period (every organisation that set one, or --org)')
    .option('--org <slug>', 'only this organisation')
    .option('--dry-run', 'count, erase nothing')
    .action((options: { org?: string; dryRun?: boolean }) =>
      withDatabase(async (database) => {
        if (options.org || options.dryRun) {
          const org = await resolveOrganisation(database.system, options.org);
          const report = await database.withOrg(org.id, (tx) => purgeInactive(tx, cli, { dryRun: options.dryRun }));
          if (report.retentionMonths === undefined) process.stdout.write(`${org.slug}: no retention period set; nothing to purge\n`);
          else process.stdout.write(`${org.slug}: ${report.participants} participant(s) inactive since ${report.cutoff!.slice(0, 10)}${report.dryRun ? ' would be' : ''} erased\n`);
          return;
        }
        const reports = await purgeEveryOrganisation(database);
        if (reports.length === 0) process.stdout.write('No organisation has a retention period; nothing to purge\n');
        for (const report of reports) process.stdout.write(`${report.slug}: ${report.participants} participant(s) inactive since ${report.cutoff!.slice(0, 10)} erased\n`);
      }),
    );
}
