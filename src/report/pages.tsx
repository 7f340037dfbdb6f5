// The evaluation report as one printable HTML document (A4, page breaks before each section, a
// table of contents, numbered tables and figures), in the reader's language. The same document is
// served at /report (with a screen-only toolbar and a linked stylesheet, as the CSP requires) and
// written by `tracer report` (stylesheet inlined, so the file stands alone and prints to PDF).
// Every figure of the engine is written with the raw numbers in data-* attributes (dataOf, as on
// the dashboard), which is how report.test.ts compares the report with /api/kpi.
import { readFileSync } from 'node:fs';
import type { ComponentChildren, JSX } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { dacCriteria } from '../analytics/definitions.ts';
import { dimensions, dimensionValueLabel, type DimensionKey } from '../analytics/dimensions.ts';
import type { KpiReport } from '../analytics/engine.ts';
import { kpiRecord, type KpiRecord, type KpiResult } from '../analytics/output.ts';
import { formatValue } from '../analytics/pages.tsx';
import type { Indicator } from '../analytics/service.ts';
import { chartSvg, type ChartPoint } from '../dashboard/charts.ts';
import { dataOf } from '../dashboard/pages.tsx';
import { targetStatus } from '../dashboard/service.ts';
import { languageNames, languages, type Lang, type MessageKey, type Translate } from '../web/i18n/index.ts';
import type { Limitation, MixEntry, ReportData } from './service.ts';

export const reportStylesheet = readFileSync(new URL('./report.css', import.meta.url), 'utf8');

export interface ReportRendering {
  t: Translate;
  lang: Lang;
  /** `link`: the served page (CSP: no inline style), with its toolbar; `inline`: a standalone file. */
  stylesheet: 'link' | 'inline';
  /** Whether /report.pdf can be offered (chromium is installed). */
  pdfAvailable?: boolean;
}

/** Numbers tables and figures in the order they are written. */
class Numbering {
  private tables = 0;
  private figures = 0;
  table(): number {
    return ++this.tables;
  }
  figure(): number {
    return ++this.figures;
  }
}

interface Section {
  id: string;
  title: string;
  body: JSX.Element;
}

interface Env {
  t: Translate;
  lang: Lang;
  data: ReportData;
  numbers: Numbering;
  byKey: Map<string, Indicator>;
}

export function reportDocument(data: ReportData, rendering: ReportRendering): string {
  const { t, lang } = rendering;
  const env: Env = { t, lang, data, numbers: new Numbering(), byKey: new Map(data.indicators.map((i) => [i.key, i])) };
  const sectionIds = ['scope', 'methodology', 'kpis', 'criteria', 'disaggregations', 'trend', 'evidence', 'limitations', 'reproduce'] as const;
  const sections: Section[] = [
    { id: 'scope', title: t('report.scope.heading'), body: scopeSection(env) },
    { id: 'methodology', title: t('report.method.heading'), body: methodSection(env) },
    { id: 'kpis', title: t('report.kpi.heading'), body: kpiSection(env) },
    { id: 'criteria', title: t('report.criteria.heading'), body: criteriaSection(env) },
    { id: 'disaggregations', title: t('report.disagg.heading'), body: disaggregationSection(env) },
    { id: 'trend', title: t('report.trend.heading'), body: trendSection(env) },
    { id: 'evidence', title: t('report.evidence.heading'), body: evidenceSection(env) },
    { id: 'limitations', title: t('report.limits.heading'), body: limitationSection(env) },
    { id: 'reproduce', title: t('report.reproduce.heading'), body: reproduceSection(env) },
  ];
  const title = t('report.title');
  const subtitle = data.programme ? t('report.subtitle_programme', { period: data.period, programme: data.programme }) : t('report.subtitle', { period: data.period });
  const document = (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${data.organisation} · ${title} · ${subtitle}`}</title>
        {rendering.stylesheet === 'link' ? <link rel="stylesheet" href="/assets/report.css" /> : <style dangerouslySetInnerHTML={{ __html: reportStylesheet }} />}
      </head>
      <body>
        {rendering.stylesheet === 'link' && <Toolbar rendering={rendering} data={data} />}
        <main id="report" data-period={data.period} data-programme={data.programme ?? ''}>
          <header class="cover">
            <p class="organisation">{data.organisation}</p>
            <h1>{title}</h1>
            <p class="subtitle">{subtitle}</p>
            <p class="muted">{t('report.generated', { date: data.generatedOn, section: sectionIds.length })}</p>
            <nav aria-labelledby="contents-heading" class="contents">
              <h2 id="contents-heading">{t('report.contents')}</h2>
              <ol>
                {sections.map((section) => (
                  <li>
                    <a href={`#${section.id}`}>{section.title}</a>
                  </li>
                ))}
              </ol>
            </nav>
          </header>
          {sections.map((section, i) => (
            <section id={section.id} aria-labelledby={`${section.id}-heading`} class="report-section">
              <h2 id={`${section.id}-heading`}>
                {i + 1}. {section.title}
              </h2>
              {section.body}
            </section>
          ))}
        </main>
      </body>
    </html>
  );
  return '<!doctype html>' + renderToString(document);
}

/** Screen only: choose another period or programme, another language, the PDF. */
function Toolbar({ rendering, data }: { rendering: ReportRendering; data: ReportData }) {
  const { t } = rendering;
  const query = (lang?: Lang) => {
    const params = new URLSearchParams({ period: data.period });
    if (data.programme) params.set('programme', data.programme);
    if (lang) params.set('lang', lang);
    return params.toString();
  };
  return (
    <nav class="report-toolbar" aria-label={t('report.toolbar')}>
      <a href="/dashboard">{t('report.dashboard')}</a>
      <form method="get" action="/report">
        <label for="report-period">{t('report.period')}</label> <input id="report-period" name="period" value={data.period} size={10} pattern="\d{4}(-\d{4})?" required />{' '}
        <label for="report-programme">{t('report.programme')}</label> <input id="report-programme" name="programme" value={data.programme ?? ''} size={24} />{' '}
        <button type="submit">{t('report.show')}</button>
      </form>
      <ul class="report-languages">
        {languages.map((lang) =>
          lang === rendering.lang ? (
            <li>
              <span aria-current="true">{languageNames[lang]}</span>
            </li>
          ) : (
            <li>
              <a href={`/report?${query(lang)}`} hreflang={lang} lang={lang}>
                {languageNames[lang]}
              </a>
            </li>
          ),
        )}
      </ul>
      {rendering.pdfAvailable && <a href={`/report.pdf?${query(rendering.lang)}`}>{t('report.pdf')}</a>}
    </nav>
  );
}

// ---------------------------------------------------------------- shared pieces

function show(env: Env, indicator: Indicator | undefined, value: unknown): string {
  if (typeof value !== 'number') return '—';
  return indicator ? formatValue(value, indicator.unit, env.lang) : new Intl.NumberFormat(env.lang, { maximumFractionDigits: 2 }).format(value);
}

const percent = (env: Env, value: number | null) => (value === null ? '—' : new Intl.NumberFormat(env.lang, { style: 'percent', maximumFractionDigits: 1 }).format(value));

function Caption({ env, kind, children }: { env: Env; kind: 'table' | 'figure'; children: ComponentChildren }) {
  const label = kind === 'table' ? env.t('report.table', { n: env.numbers.table() }) : env.t('report.figure', { n: env.numbers.figure() });
  return (
    <>
      <span class="caption-number">{label}</span> {children}
    </>
  );
}

function ValueCell({ env, indicator, record }: { env: Env; indicator: Indicator | undefined; record: KpiRecord }) {
  return <td class="num">{record.suppressed ? <span class="suppressed">{env.t('report.suppressed')}</span> : show(env, indicator, record.value)}</td>;
}

function intervalText(env: Env, indicator: Indicator | undefined, record: KpiRecord): string {
  if (record.suppressed || record.ci_low === null || record.ci_high === null) return '—';
  return `${show(env, indicator, record.ci_low)} – ${show(env, indicator, record.ci_high)}`;
}

function statusText(env: Env, indicator: Indicator, result: KpiResult | undefined): string {
  return env.t(`report.status.${targetStatus(indicator, result)}` as MessageKey);
}

function orderOf(env: Env, key: string): number {
  return env.data.indicators.findIndex((i) => i.key === key);
}

/** A row of figures for one engine result: indicator name, then value, interval, n (and more). */
function ResultRow({ env, result, section, extra }: { env: Env; result: KpiResult; section: string; extra?: JSX.Element }) {
  const indicator = env.byKey.get(result.indicator);
  const record = kpiRecord(result, []);
  return (
    <tr data-section={section} {...dataOf(record)}>
      <th scope="row">{indicator?.names[env.lang] ?? result.indicator}</th>
      <td class="num">{show(env, indicator, record.baseline)}</td>
      <td class="num">{show(env, indicator, record.target)}</td>
      <ValueCell env={env} indicator={indicator} record={record} />
      <td class="num">{intervalText(env, indicator, record)}</td>
      <td class="num">{String(record.denominator)}</td>
      {extra}
    </tr>
  );
}

function ResultHead({ env, first, extra }: { env: Env; first: string; extra?: JSX.Element }) {
  const { t } = env;
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col" class="num">{t('report.baseline')}</th>
        <th scope="col" class="num">{t('report.target')}</th>
        <th scope="col" class="num">{t('report.value')}</th>
        <th scope="col" class="num">{t('report.ci')}</th>
        <th scope="col" class="num">{t('report.n')}</th>
        {extra}
      </tr>
    </thead>
  );
}

function MixTable({ env, caption, entries, label }: { env: Env; caption: string; entries: MixEntry[]; label: (value: string) => string }) {
  const { t } = env;
  if (entries.length === 0) return null;
  const total = entries.reduce((sum, e) => sum + e.activities, 0);
  return (
    <table class="mix">
      <caption>
        <Caption env={env} kind="table">
          {caption}
        </Caption>
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('report.group')}</th>
          <th scope="col" class="num">{t('report.activities')}</th>
          <th scope="col" class="num">{t('report.share')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr data-value={entry.value} data-activities={String(entry.activities)}>
            <th scope="row">{label(entry.value)}</th>
            <td class="num">{String(entry.activities)}</td>
            <td class="num">{percent(env, total === 0 ? null : entry.activities / total)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ---------------------------------------------------------------- 1. scope

function languageName(lang: Lang, code: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function scopeSection(env: Env): JSX.Element {
  const { t, lang, data } = env;
  const scope = data.scope;
  const programmeClause = data.programme ? t('report.scope.programme_clause', { programme: data.programme }) : '';
  return (
    <>
      <p data-activities={String(scope.activities.length)}>{t('report.scope.intro', { count: scope.activities.length, period: data.period, programme_clause: programmeClause })}</p>
      {scope.activities.length > 0 && (
        <div class="mix-tables">
          <MixTable env={env} caption={t('report.scope.by_modality')} entries={scope.modality} label={(v) => dimensionValueLabel('modality', v, lang)} />
          <MixTable env={env} caption={t('report.scope.by_language')} entries={scope.language} label={(v) => languageName(lang, v)} />
          <MixTable env={env} caption={t('report.scope.by_fee')} entries={scope.feeType} label={(v) => dimensionValueLabel('fee_type', v, lang)} />
        </div>
      )}
      {scope.activities.length > 0 && (
        <table class="activities">
          <caption>
            <Caption env={env} kind="table">
              {t('report.scope.list')}
            </Caption>
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('report.scope.code')}</th>
              <th scope="col">{t('report.scope.activity_title')}</th>
              <th scope="col">{t('report.scope.modality')}</th>
              <th scope="col">{t('report.scope.languages')}</th>
            </tr>
          </thead>
          <tbody>
            {scope.activities.map((a) => (
              <tr>
                <td>{a.code}</td>
                <td>{a.title}</td>
                <td>{dimensionValueLabel('modality', a.modality, lang)}</td>
                <td>{a.languages.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

// ---------------------------------------------------------------- 2. methodology

function methodSection(env: Env): JSX.Element {
  const { t, data } = env;
  return (
    <>
      <p>{t('report.method.intro', { min: data.minCellSize })}</p>
      <p>{t('report.method.rates')}</p>
      {data.rates.length === 0 ? (
        <p>{t('report.method.no_waves')}</p>
      ) : (
        <table id="response-rates">
          <caption>
            <Caption env={env} kind="table">
              {t('report.method.rates_caption', { period: data.period })}
            </Caption>
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('report.method.instrument')}</th>
              <th scope="col" class="num">{t('report.method.eligible')}</th>
              <th scope="col" class="num">{t('report.method.invited')}</th>
              <th scope="col" class="num">{t('report.method.partial')}</th>
              <th scope="col" class="num">{t('report.method.complete')}</th>
              <th scope="col" class="num">{t('report.method.rr1')}</th>
              <th scope="col" class="num">{t('report.method.rr2')}</th>
            </tr>
          </thead>
          <tbody>
            {data.rates.map((rate) => (
              <tr
                class={rate.groupKey === 'all' ? 'total' : undefined}
                data-instrument={rate.groupKey}
                data-eligible={String(rate.eligible)}
                data-invited={String(rate.invited)}
                data-complete={String(rate.complete)}
                data-rr1={rate.rr1 === null ? '' : String(rate.rr1)}
              >
                <th scope="row">{rate.groupKey === 'all' ? t('report.method.total') : rate.groupKey}</th>
                <td class="num">{String(rate.eligible)}</td>
                <td class="num">{String(rate.invited)}</td>
                <td class="num">{String(rate.partial)}</td>
                <td class="num">{String(rate.complete)}</td>
                <td class="num">{percent(env, rate.rr1)}</td>
                <td class="num">{percent(env, rate.rr2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

// ---------------------------------------------------------------- 3. KPIs

function kpiSection(env: Env): JSX.Element {
  const { t, data } = env;
  const rows = [...data.kpis.results].sort((a, b) => orderOf(env, a.indicator) - orderOf(env, b.indicator));
  const withTarget = data.indicators.filter((i) => ['met', 'not_met'].includes(targetStatus(i, rows.find((r) => r.indicator === i.key))));
  const met = withTarget.filter((i) => targetStatus(i, rows.find((r) => r.indicator === i.key)) === 'met');
  return (
    <>
      <p>{t('report.kpi.intro', { period: data.period })}</p>
      <p class="summary" data-met={String(met.length)} data-with-target={String(withTarget.length)}>
        {t('report.summary', { met: met.length, with_target: withTarget.length })}
      </p>
      {rows.length === 0 ? (
        <p>{t('report.none')}</p>
      ) : (
        <table id="kpis">
          <caption>
            <Caption env={env} kind="table">
              {t('report.kpi.caption', { period: data.period })}
            </Caption>
          </caption>
          <ResultHead
            env={env}
            first={t('report.indicator')}
            extra={
              <>
                <th scope="col">{t('report.level')}</th>
                <th scope="col">{t('report.status')}</th>
              </>
            }
          />
          <tbody>
            {rows.map((result) => {
              const indicator = env.byKey.get(result.indicator)!;
              return (
                <ResultRow
                  env={env}
                  result={result}
                  section="kpi"
                  extra={
                    <>
                      <td>{String(indicator.level)}</td>
                      <td class={`status-${targetStatus(indicator, result)}`}>{statusText(env, indicator, result)}</td>
                    </>
                  }
                />
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

// ---------------------------------------------------------------- 4. OECD-DAC criteria

function criteriaSection(env: Env): JSX.Element {
  const { t, data } = env;
  return (
    <>
      <p>{t('report.criteria.intro')}</p>
      {dacCriteria.map((criterion) => {
        const name = t(`indicators.criterion.${criterion}` as MessageKey);
        const results = data.kpis.results.filter((r) => env.byKey.get(r.indicator)?.criterion === criterion).sort((a, b) => orderOf(env, a.indicator) - orderOf(env, b.indicator));
        const findings = data.findings.filter((f) => f.criterion === criterion);
        return (
          <div class="criterion" data-criterion={criterion}>
            <h3>{name}</h3>
            {results.length === 0 && findings.length === 0 && <p>{t('report.criteria.nothing')}</p>}
            {results.length > 0 && (
              <table>
                <caption>
                  <Caption env={env} kind="table">
                    {t('report.criteria.caption', { criterion: name, period: data.period })}
                  </Caption>
                </caption>
                <ResultHead env={env} first={t('report.indicator')} extra={<th scope="col">{t('report.status')}</th>} />
                <tbody>
                  {results.map((result) => (
                    <ResultRow env={env} result={result} section="criterion" extra={<td>{statusText(env, env.byKey.get(result.indicator)!, result)}</td>} />
                  ))}
                </tbody>
              </table>
            )}
            {findings.length > 0 && (
              <>
                <h4>{t('report.criteria.findings')}</h4>
                <ul class="findings">
                  {findings.map((finding) => (
                    <li>
                      {finding.text} <span class="muted">{t('report.criteria.finding_source', { evaluation: finding.evaluation })}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        );
      })}
    </>
  );
}

// ---------------------------------------------------------------- 5. disaggregations

function groupLabel(env: Env, dimension: DimensionKey, code: string | null | undefined): string {
  return code === null || code === undefined ? env.t('report.not_stated') : dimensionValueLabel(dimension, code, env.lang);
}

function disaggregationSection(env: Env): JSX.Element {
  const { t, lang, data } = env;
  return (
    <>
      <p>{t('report.disagg.intro', { min: data.minCellSize })}</p>
      {data.disaggregations.map(({ dimension, report }) => {
        const groups = [...new Set(report.results.map((r) => r.by[dimension] ?? null))];
        const dimensionName = dimensions[dimension].labels[lang];
        return (
          <table class="disaggregation" data-dimension={dimension}>
            <caption>
              <Caption env={env} kind="table">
                {t('report.disagg.caption', { dimension: dimensionName.toLowerCase(), period: data.period })}
              </Caption>
            </caption>
            <thead>
              <tr>
                <th scope="col">{dimensionName}</th>
                {data.headline.map((indicator) => (
                  <th scope="col" class="num">
                    {indicator.names[lang]} ({t('report.n')})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr>
                  <th scope="row">{groupLabel(env, dimension, group)}</th>
                  {data.headline.map((indicator) => {
                    const result = report.results.find((r) => r.indicator === indicator.key && (r.by[dimension] ?? null) === group);
                    if (!result) return <td class="num">—</td>;
                    const record = kpiRecord(result, []);
                    return (
                      <td class="num" data-section="disaggregation" data-dimension={dimension} data-group={group ?? ''} {...dataOf(record)}>
                        {record.suppressed ? <span class="suppressed">{t('report.suppressed')}</span> : show(env, indicator, record.value)} ({String(record.denominator)})
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </>
  );
}

// ---------------------------------------------------------------- 6. previous periods

function trendSection(env: Env): JSX.Element {
  const { t, lang, data } = env;
  const periods = data.trend.map((entry) => entry.period);
  const previous = periods.at(-2);
  const resultIn = (report: KpiReport, key: string) => report.results.find((r) => r.indicator === key);
  const shown = data.indicators.filter((i) => data.trend.some((entry) => resultIn(entry.report, i.key)));
  return (
    <>
      <p>{t('report.trend.intro', { count: periods.length - 1 })}</p>
      <table id="trend">
        <caption>
          <Caption env={env} kind="table">
            {t('report.trend.caption', { periods: periods.join(', ') })}
          </Caption>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('report.indicator')}</th>
            {periods.map((period) => (
              <th scope="col" class="num">
                {period} ({t('report.n')})
              </th>
            ))}
            {previous && (
              <>
                <th scope="col" class="num">{t('report.trend.change', { period: previous })}</th>
                <th scope="col" class="num">{t('report.trend.p')}</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {shown.map((indicator) => {
            const comparison = data.comparisons.find((c) => c.indicator === indicator.key);
            return (
              <tr>
                <th scope="row">{indicator.names[lang]}</th>
                {data.trend.map((entry) => {
                  const result = resultIn(entry.report, indicator.key);
                  if (!result) return <td class="num">—</td>;
                  const record = kpiRecord(result, []);
                  return (
                    <td class="num" data-section="trend" {...dataOf(record)}>
                      {record.suppressed ? <span class="suppressed">{t('report.suppressed')}</span> : show(env, indicator, record.value)} ({String(record.denominator)})
                    </td>
                  );
                })}
                {previous && (
                  <>
                    <td class="num">{comparison?.difference == null ? '—' : `${comparison.difference > 0 ? '+' : ''}${show(env, indicator, comparison.difference)}`}</td>
                    <td class="num">{comparison?.pValue == null ? '—' : comparison.pValue < 0.001 ? '< 0.001' : comparison.pValue.toFixed(3)}</td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {data.headline.map((indicator) => (
        <TrendFigure env={env} indicator={indicator} />
      ))}
    </>
  );
}

function TrendFigure({ env, indicator }: { env: Env; indicator: Indicator }) {
  const { t, lang, data } = env;
  const points: ChartPoint[] = data.trend.map((entry) => {
    const result = entry.report.results.find((r) => r.indicator === indicator.key);
    const record = result ? kpiRecord(result, []) : null;
    return {
      label: entry.period,
      value: record && !record.suppressed ? (record.value as number | null) : null,
      low: (record?.ci_low as number | null | undefined) ?? null,
      high: (record?.ci_high as number | null | undefined) ?? null,
      n: (record?.denominator as number | undefined) ?? 0,
      suppressed: record?.suppressed === true,
    };
  });
  const title = t('report.trend.figure', { indicator: indicator.names[lang] });
  const target = data.kpis.results.find((r) => r.indicator === indicator.key)?.target ?? null;
  return (
    <figure class="report-figure">
      <div
        class="chart-svg"
        role="img"
        aria-label={title}
        dangerouslySetInnerHTML={{
          __html: chartSvg(points, { percent: indicator.unit === 'share', target, kind: 'line', suppressedLabel: t('report.suppressed'), nLabel: t('report.n'), targetLabel: t('report.target') }),
        }}
      />
      <figcaption>
        <Caption env={env} kind="figure">
          {title}
        </Caption>
      </figcaption>
    </figure>
  );
}

// ---------------------------------------------------------------- 7. qualitative evidence

function evidenceSection(env: Env): JSX.Element {
  const { t, lang, data } = env;
  const evidence = data.evidence;
  const texts = evidence.totals.reduce((sum, cell) => sum + cell.texts, 0);
  const codes = evidence.codes.filter((code) => code.total > 0).sort((a, b) => b.total - a.total);
  const labelOf = (code: string) => evidence.codes.find((c) => c.code === code)?.labels[lang] ?? code;
  return (
    <>
      <p data-texts={String(texts)}>{t('report.evidence.intro', { texts })}</p>
      {codes.length > 0 && (
        <table id="codes">
          <caption>
            <Caption env={env} kind="table">
              {t('report.evidence.caption', { period: data.period })}
            </Caption>
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('report.evidence.code')}</th>
              {evidence.years.map((year) => (
                <th scope="col" class="num">
                  {year === null ? t('report.not_stated') : String(year)}
                </th>
              ))}
              <th scope="col" class="num">{t('report.evidence.texts')}</th>
            </tr>
          </thead>
          <tbody>
            {codes.map((code) => (
              <tr data-code={code.code} data-texts={String(code.total)}>
                <th scope="row">{code.labels[lang]}</th>
                {code.counts.map((cell) => (
                  <td class="num">{String(cell.texts)}</td>
                ))}
                <td class="num">{String(code.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('report.evidence.quotes')}</h3>
      {data.quotes.length === 0 ? (
        <p>{t('report.evidence.no_quotes')}</p>
      ) : (
        data.quotes.map((quote) => (
          <figure class="quote" data-respondent={quote.respondent}>
            <blockquote>
              <p>{quote.text}</p>
            </blockquote>
            <figcaption>
              {t('report.evidence.quote_source', { respondent: quote.respondent, activity: quote.activityCode ?? '—', year: quote.year ?? '—' })}
              {quote.codes.length > 0 && ` · ${quote.codes.map(labelOf).join(', ')}`}
            </figcaption>
          </figure>
        ))
      )}
    </>
  );
}

// ---------------------------------------------------------------- 8. limitations

function limitationText(env: Env, limitation: Limitation): string {
  const { t, lang } = env;
  const names = (keys: string[]) => keys.map((key) => env.byKey.get(key)?.names[lang] ?? key).join(', ');
  switch (limitation.kind) {
    case 'suppressed':
      return t('report.limits.suppressed', { cells: limitation.cells, min: limitation.minCellSize });
    case 'low_response_rate':
      return t('report.limits.low_response_rate', { instrument: limitation.instrument, rate: percent(env, limitation.rr1), threshold: percent(env, limitation.threshold) });
    case 'no_response_rates':
      return t('report.limits.no_response_rates');
    case 'small_n':
      return t('report.limits.small_n', { threshold: limitation.threshold, indicators: names(limitation.indicators) });
    case 'no_data':
      return t('report.limits.no_data', { indicators: names(limitation.indicators) });
    case 'no_quotes':
      return t('report.limits.no_quotes');
    case 'not_disaggregable':
      return t('report.limits.not_disaggregable', { indicators: names(limitation.indicators) });
  }
}

function limitationSection(env: Env): JSX.Element {
  const { t, data } = env;
  return (
    <>
      <p>{t('report.limits.intro')}</p>
      <ul id="limitations">
        {data.limitations.map((limitation) => (
          <li data-limitation={limitation.kind}>{limitationText(env, limitation)}</li>
        ))}
        {data.limitations.length === 0 && <li>{t('report.limits.none')}</li>}
        <li>{t('report.limits.general')}</li>
      </ul>
    </>
  );
}

// ---------------------------------------------------------------- 9. reproduce

function reproduceSection(env: Env): JSX.Element {
  const { t, data } = env;
  return (
    <>
      <p>{t('report.reproduce.intro')}</p>
      <ul id="reproduce" class="commands">
        {data.reproduce.map((command) => (
          <li>
            <code>{command}</code>
          </li>
        ))}
      </ul>
    </>
  );
}
