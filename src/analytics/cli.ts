// `tracer indicator …`: list indicators with their baselines and targets, set a baseline and target.
// (`tracer kpi` and `tracer freq` join here when the engine lands; their records come from output.ts.)
import { Option, type Command } from 'commander';
import { resolveOrganisation } from '../accounts/service.ts';
import { UsageError, withDatabase } from '../cli/main.ts';
import type { Database } from '../db/database.ts';
import type { Tx } from '../db/database.ts';
import { outputFormats, render, type OutputFormat } from './output.ts';
import { AnalyticsError, listIndicators, setTarget } from './service.ts';

/** One line of `tracer indicator list`: an indicator and one of its periods (or none). */
type IndicatorListRecord = Record<'indicator' | 'criterion' | 'unit', string> & { level: number } & Record<'period', string | null> &
  Record<'baseline' | 'target', number | null>;

export function registerAnalyticsCommands(program: Command): void {
  const indicator = program.command('indicator').description('Indicator definitions, baselines and targets');

  indicator
    .command('list')
    .description('List the indicators with their baselines and targets')
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('table'))
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((options: { format: OutputFormat; org?: string }) =>
      inOrganisation(options.org, async (tx) => {
        const records = (await listIndicators(tx)).flatMap((found): IndicatorListRecord[] => {
          const base = { indicator: found.key, level: found.level, criterion: found.criterion, unit: found.unit };
          if (found.targets.length === 0) return [{ ...base, period: null, baseline: null, target: null }];
          return found.targets.map((target) => ({ ...base, ...target }));
        });
        process.stdout.write(render(records, ['indicator', 'level', 'criterion', 'unit', 'period', 'baseline', 'target'], options.format));
      }),
    );

  indicator
    .command('target')
    .description('Set the baseline and/or target of an indicator for a period (shares as 0–1)')
    .argument('<key>', 'indicator key, e.g. relevance')
    .requiredOption('--period <period>', 'a year (2023) or a range of years (2022-2023)')
    .option('--baseline <number>', 'baseline value', parseNumber('--baseline'))
    .option('--target <number>', 'target value', parseNumber('--target'))
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((key: string, options: { period: string; baseline?: number; target?: number; org?: string }) =>
      inOrganisation(options.org, async (tx) => {
        const saved = await setTarget(tx, undefined, key, options.period, {
          baseline: options.baseline ?? null,
          target: options.target ?? null,
        });
        const show = (value: number | null) => (value === null ? '—' : String(value));
        process.stdout.write(`${key} ${saved.period}: baseline ${show(saved.baseline)}, target ${show(saved.target)}\n`);
      }),
    );
}

function parseNumber(option: string) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${option} must be a number, got "${text}"`);
    return value;
  };
}

/** Runs `work` in a tenant transaction of the chosen organisation; rule violations become one-line errors. */
function inOrganisation(slug: string | undefined, work: (tx: Tx) => Promise<void>): Promise<void> {
  return withDatabase(async (database: Database, config) => {
    const organisation = await resolveOrganisation(database.system, slug ?? config.orgSlug);
    try {
      await database.withOrg(organisation.id, work);
    } catch (error) {
      if (error instanceof AnalyticsError) throw new UsageError(error.message);
      throw error;
    }
  });
}
