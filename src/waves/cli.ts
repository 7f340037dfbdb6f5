// `tracer waves …`: run the scheduler once (invitations and reminders that are due), and rates.
import type { Command } from 'commander';
import { listOrganisations, resolveOrganisation } from '../accounts/service.ts';
import type { WithDatabase } from '../messaging/cli.ts';
import { describeWaveReport, WaveScheduler } from './scheduler.ts';
import { responseRates, type RateFilter } from './service.ts';
import { parsePeriod, PeriodError } from '../analytics/periods.ts';
import { UsageError } from '../cli/main.ts';
import { activitiesEndedIn } from '../catalogue/service.ts';
import type { Tx } from '../db/database.ts';

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
    .option('--period <period>', 'only the activities that ended in this year (2023) or range (2022-2023), as the evaluation report counts them')
    .option('--programme <name>', 'only the activities of this programme (with --period)')
    .action((options: { org?: string; by: string; period?: string; programme?: string }) =>
      withDatabase(async (database, config) => {
        const groupings = ['wave', 'purpose', 'instrument', 'activity', 'total'] as const;
        const by = groupings.find((g) => g === options.by);
        if (!by) throw new Error(`--by must be one of ${groupings.join(', ')}`);
        const slug = options.org ?? config.orgSlug;
        const orgs = slug === undefined ? await listOrganisations(database.system) : [await resolveOrganisation(database.system, slug)];
        for (const org of orgs) {
          for (const row of await database.withOrg(org.id, async (tx) => responseRates(tx, by, await scopeFilter(tx, options)))) {
            process.stdout.write(
              `${org.slug} ${row.groupKey}: eligible ${row.eligible}, invited ${row.invited}, delivered ${row.delivered}, bounced ${row.bounced}, opened ${row.opened}, partial ${row.partial}, complete ${row.complete}, RR1 ${percent(row.rr1)}, RR2 ${percent(row.rr2)}\n`,
            );
          }
        }
      }),
    );
}

/** `--period` (and `--programme`): the waves of the activities that ended then, as `tracer report` counts them. */
async function scopeFilter(tx: Tx, options: { period?: string; programme?: string }): Promise<RateFilter> {
  if (options.period === undefined) {
    if (options.programme !== undefined) throw new UsageError('--programme needs --period');
    return {};
  }
  let period;
  try {
    period = parsePeriod(options.period);
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(`--period: ${error.message}`);
    throw error;
  }
  const activities = await activitiesEndedIn(tx, period, options.programme);
  return { activityIds: activities.map((a) => a.id) };
}
