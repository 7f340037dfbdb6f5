// `tracer indicator …` (definitions, baselines, targets), `tracer kpi` and `tracer freq` (the
// engine's results, records from output.ts) and `tracer analytics threshold` (suppression).
import { Option, type Command } from 'commander';
import { resolveOrganisation } from '../accounts/service.ts';
import { UsageError, withDatabase } from '../cli/main.ts';
import type { Database } from '../db/database.ts';
import type { Tx } from '../db/database.ts';
import { computeKpis, frequencyTable, getAnalyticsSettings, setMinCellSize, type ComparisonRecord } from './engine.ts';
import { FREQ_FIELDS, kpiFields, kpiRecords, outputFormats, render, type OutputFormat } from './output.ts';
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

const COMPARISON_FIELDS: Array<keyof ComparisonRecord> = ['indicator', 'period', 'dimension', 'group_a', 'group_b', 'within', 'difference', 'z', 'p_value', 'compared'];

/** `--filter` may repeat. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `tracer kpi` and `tracer freq`. */
export function registerEngineCommands(program: Command): void {
  program
    .command('kpi')
    .description('Indicator results: one record per indicator and cell (shares as 0–1), with baselines and targets')
    .option('--period <period>', 'a year (2023) or a range of years (2022-2023); default: every year, each on its own')
    .option('--by <dimensions>', 'disaggregate by one or two dimensions, e.g. gender or gender,region')
    .option('--filter <key=value>', 'a dimension, activity, theme or question key and a value; repeatable', collect, [])
    .option('--indicator <key>', 'only this indicator; repeatable', collect, [])
    .option('--compare', 'print the two-proportion comparisons between the groups of each --by dimension instead')
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('table'))
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action(
      (options: { period?: string; by?: string; filter: string[]; indicator: string[]; compare?: boolean; format: OutputFormat; org?: string }) =>
        inOrganisation(options.org, async (tx) => {
          const report = await computeKpis(tx, {
            period: options.period,
            by: options.by,
            filters: options.filter,
            indicators: options.indicator.length > 0 ? options.indicator : undefined,
          });
          if (options.compare) {
            process.stdout.write(render(report.comparisons as unknown as Array<Record<string, string | number | boolean | null>>, COMPARISON_FIELDS, options.format));
            return;
          }
          process.stdout.write(render(kpiRecords(report.results, report.by), kpiFields(report.by), options.format));
          for (const { indicator, reason } of report.omitted) process.stderr.write(`${indicator}: left out, ${reason}\n`);
        }),
    );

  program
    .command('freq')
    .description('Frequency table of a question: one record per option, percent of valid answers')
    .argument('<question>', 'question key, e.g. eoa_relevance')
    .option('--instrument <key>', 'only this instrument')
    .option('--period <period>', 'a year (2023) or a range of years (2022-2023)')
    .option('--filter <key=value>', 'a dimension, activity, theme or question key and a value; repeatable', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('table'))
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((question: string, options: { instrument?: string; period?: string; filter: string[]; format: OutputFormat; org?: string }) =>
      inOrganisation(options.org, async (tx) => {
        const records = await frequencyTable(tx, { question, instrument: options.instrument, period: options.period, filters: options.filter });
        process.stdout.write(render(records, FREQ_FIELDS, options.format));
      }),
    );

  program
    .command('analytics')
    .description('Analytics settings of an organisation')
    .command('threshold')
    .description('Show, or set, the suppression threshold: cells with fewer valid answers are not shown (default 5)')
    .argument('[n]', 'the new threshold, a whole number from 1 to 1000')
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((n: string | undefined, options: { org?: string }) =>
      inOrganisation(options.org, async (tx) => {
        const settings = n === undefined ? await getAnalyticsSettings(tx) : await setMinCellSize(tx, undefined, parseNumber('threshold')(n));
        process.stdout.write(`suppression threshold: ${settings.minCellSize}\n`);
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
