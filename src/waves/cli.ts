// `tracer waves …`: run the scheduler once (invitations and reminders that are due), and rates.
import type { Command } from 'commander';
import { listOrganisations, resolveOrganisation } from '../accounts/service.ts';
import type { WithDatabase } from '../messaging/cli.ts';
import { describeWaveReport, WaveScheduler } from './scheduler.ts';
import { responseRates } from './service.ts';

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

export function registerWaveCommands(program: Command, withDatabase: WithDatabase): void {
  const waves = program.command('waves').description('Survey waves: invitations, reminders, response rates');

  waves
    .command('run-due')
    .description('Apply the default plan where enabled, and queue the invitations and reminders that are due (then `tracer mail send-due` sends them; `tracer serve` does both by itself)')
    .option('--at <date-time>', 'act as if it were this moment (ISO 8601), e.g. to catch up or to test')
    .action((options: { at?: string }) =>
      withDatabase(async (database, config) => {
        const at = options.at === undefined ? undefined : new Date(options.at);
        if (at && Number.isNaN(at.getTime())) throw new Error(`--at must be an ISO 8601 date-time (got "${options.at}")`);
        const scheduler = new WaveScheduler({ database, publicUrl: config.publicUrl, ...(at ? { clock: () => at } : {}) });
        process.stdout.write(`${describeWaveReport(await scheduler.runDue())}\n`);
      }),
    );

  waves
    .command('rates')
    .description('Response rates (AAPOR RR1, RR2) by instrument purpose')
    .option('--org <slug>', 'only this organisation')
    .option('--by <grouping>', 'wave, purpose, instrument, activity or total', 'purpose')
    .action((options: { org?: string; by: string }) =>
      withDatabase(async (database, config) => {
        const groupings = ['wave', 'purpose', 'instrument', 'activity', 'total'] as const;
        const by = groupings.find((g) => g === options.by);
        if (!by) throw new Error(`--by must be one of ${groupings.join(', ')}`);
        const slug = options.org ?? config.orgSlug;
        const orgs = slug === undefined ? await listOrganisations(database.system) : [await resolveOrganisation(database.system, slug)];
        for (const org of orgs) {
          for (const row of await database.withOrg(org.id, (tx) => responseRates(tx, by))) {
            process.stdout.write(
              `${org.slug} ${row.groupKey}: eligible ${row.eligible}, invited ${row.invited}, delivered ${row.delivered}, bounced ${row.bounced}, opened ${row.opened}, partial ${row.partial}, complete ${row.complete}, RR1 ${percent(row.rr1)}, RR2 ${percent(row.rr2)}\n`,
            );
          }
        }
      }),
    );
}
