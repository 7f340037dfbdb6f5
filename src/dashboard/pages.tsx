// The staff dashboard: filters (a GET form, so the address is the shareable state and nothing
// needs JavaScript), KPI cards, the baseline/target/result table, and server-drawn charts each
// followed by its figures as a table. Every figure is a record of the engine's, shaped by the same
// kpiRecord() as /api/kpi; rows and cards carry the raw numbers in data-* attributes so that tests
// (and anyone scripting the page) can compare them with the API.
import { dimensions, dimensionValueLabel, modalityValues, type DimensionKey } from '../analytics/dimensions.ts';
import type { KpiReport } from '../analytics/engine.ts';
import { kpiRecord, type KpiRecord } from '../analytics/output.ts';
import { formatValue } from '../analytics/pages.tsx';
import type { Indicator } from '../analytics/service.ts';
import { renderPage, type PageContext } from '../web/page.tsx';
import { chartSvg, type ChartPoint } from './charts.ts';
import type { DashboardTable } from './exports.ts';
import { disaggregations, inIndicatorOrder, targetStatus, type DashboardQuery, type DashboardView } from './service.ts';

export function dashboardPage(ctx: PageContext, view: DashboardView): string {
  const { t } = ctx;
  const minCellSize = view.results.minCellSize;
  return renderPage({
    ctx,
    title: t('dashboard.title'),
    children: (
      <>
        <h1>{t('dashboard.title')}</h1>
        <p>{t('dashboard.intro')}</p>
        <Filters ctx={ctx} view={view} />
        <DrillDown ctx={ctx} view={view} />
        <p class="muted">
          {t('dashboard.suppression_note', { min: minCellSize })}{' '}
          <a href={apiHref(view)}>{t('dashboard.api_link')}</a>
        </p>
        <Cards ctx={ctx} view={view} />
        <ResultsTable ctx={ctx} view={view} />
        {view.chartIndicator && <Charts ctx={ctx} view={view} indicator={view.chartIndicator} />}
      </>
    ),
  });
}

/** The /api/kpi address that returns the table's figures. */
function apiHref(view: DashboardView): string {
  const params = new URLSearchParams();
  if (view.query.period) params.set('period', view.query.period);
  if (view.query.programme) params.append('filter', `programme=${view.query.programme}`);
  if (view.query.modality) params.append('filter', `modality=${view.query.modality}`);
  const search = params.toString();
  return `/api/kpi${search ? `?${search}` : ''}`;
}

/** The printable evaluation report of the period (and programme) the cards show. */
function reportHref(period: string, programme: string | undefined): string {
  const params = new URLSearchParams({ period });
  if (programme) params.set('programme', programme);
  return `/report?${params.toString()}`;
}

/** The dashboard's address with some fields of the query changed (undefined removes one). */
function dashboardHref(query: DashboardQuery, changes: Partial<DashboardQuery>): string {
  const merged: DashboardQuery = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const field of ['period', 'programme', 'modality', 'by', 'indicator'] as const) {
    const value = merged[field];
    if (value) params.set(field, value);
  }
  const search = params.toString();
  return `/dashboard${search ? `?${search}` : ''}`;
}

/** The address of a table's or chart's figures as CSV or XLSX, under the page's filters. */
function dashboardExportHref(query: DashboardQuery, table: DashboardTable, format: 'csv' | 'xlsx'): string {
  const params = new URLSearchParams({ table, format });
  for (const field of ['period', 'programme', 'modality', 'by', 'indicator'] as const) {
    const value = query[field];
    if (value) params.set(field, value);
  }
  return `/api/dashboard/export?${params.toString()}`;
}

/** Download links of a table's figures; `what` names the table for screen readers. */
export function ExportLinks({ ctx, what, href }: { ctx: PageContext; what: string; href: (format: 'csv' | 'xlsx') => string }) {
  return (
    <p class="exports">
      {ctx.t('dashboard.download')}{' '}
      {(['csv', 'xlsx'] as const).map((format, i) => (
        <>
          {i > 0 && ' · '}
          <a href={href(format)} data-format={format}>
            {format.toUpperCase()}
            <span class="visually-hidden"> {ctx.t('dashboard.download_of', { what })}</span>
          </a>
        </>
      ))}
    </p>
  );
}

/** The activity page (one page per activity, /activities/:id), for a period. */
export function activityHref(activityId: string, period: string | undefined): string {
  return `/activities/${activityId}${period ? `?period=${encodeURIComponent(period)}` : ''}`;
}

/** Organisation › programme › activity: where the figures stand, and one level further down. */
function DrillDown({ ctx, view }: { ctx: PageContext; view: DashboardView }) {
  const { t } = ctx;
  const q = view.query;
  const crumbs = [{ label: t('dashboard.organisation'), href: dashboardHref(q, { programme: undefined }) }];
  if (q.programme) crumbs.push({ label: q.programme, href: dashboardHref(q, {}) });
  // The last level is the activity's own page (the catalogue's), which keeps the period.
  const below = q.programme
    ? { heading: t('dashboard.activities', { programme: q.programme }), links: view.choices.activities.map((a) => ({ label: `${a.code} · ${a.title}`, href: activityHref(a.id, q.period) })) }
    : { heading: t('dashboard.programmes'), links: view.choices.programmes.map((p) => ({ label: p, href: dashboardHref(q, { programme: p }) })) };
  return (
    <nav aria-label={t('dashboard.drill')} class="drill">
      <ol class="breadcrumbs">
        {crumbs.map((crumb, i) => (
          <li>{i === crumbs.length - 1 ? <span aria-current="page">{crumb.label}</span> : <a href={crumb.href}>{crumb.label}</a>}</li>
        ))}
      </ol>
      {below && below.links.length > 0 && (
        <p>
          {below.heading}{' '}
          {below.links.map((link, i) => (
            <>
              {i > 0 && ' · '}
              <a href={link.href}>{link.label}</a>
            </>
          ))}
        </p>
      )}
    </nav>
  );
}

function Filters({ ctx, view }: { ctx: PageContext; view: DashboardView }) {
  const { t, lang } = ctx;
  const q = view.query;
  return (
    <form method="get" action="/dashboard" class="filters" aria-label={t('dashboard.filters')}>
      <fieldset>
        <legend>{t('dashboard.filters')}</legend>
        <div class="filter-row">
          <p>
            <label for="period">{t('dashboard.period')}</label>
            <input id="period" name="period" value={q.period ?? ''} pattern="\d{4}(-\d{4})?" list="period-years" aria-describedby="period-hint" size={10} />
            <datalist id="period-years">
              {view.choices.years.map((year) => (
                <option value={String(year)} />
              ))}
            </datalist>
            <span id="period-hint" class="muted">
              {t('dashboard.period_hint')}
            </span>
          </p>
          <p>
            <label for="programme">{t('dashboard.programme')}</label>
            <select id="programme" name="programme">
              <option value="">{t('dashboard.any')}</option>
              {view.choices.programmes.map((programme) => (
                <option value={programme} selected={q.programme === programme}>
                  {programme}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label for="modality">{t('dashboard.modality')}</label>
            <select id="modality" name="modality">
              <option value="">{t('dashboard.any')}</option>
              {modalityValues.map((value) => (
                <option value={value.code} selected={q.modality === value.code}>
                  {value.labels[lang]}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label for="by">{t('dashboard.by')}</label>
            <select id="by" name="by">
              <option value="">{t('dashboard.none')}</option>
              {disaggregations.map((key) => (
                <option value={key} selected={q.by === key}>
                  {dimensions[key].labels[lang]}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label for="indicator">{t('dashboard.indicator')}</label>
            <select id="indicator" name="indicator">
              {view.indicators.map((indicator) => (
                <option value={indicator.key} selected={view.chartIndicator?.key === indicator.key}>
                  {indicator.names[lang]}
                </option>
              ))}
            </select>
          </p>
        </div>
        <p>
          <button type="submit">{t('dashboard.apply')}</button> <a href="/dashboard">{t('dashboard.reset')}</a>
        </p>
      </fieldset>
    </form>
  );
}

export function show(ctx: PageContext, indicator: Indicator, value: number | string | boolean | null | undefined): string {
  return typeof value === 'number' ? formatValue(value, indicator.unit, ctx.lang) : '—';
}

/** The raw figures of a record as data-* attributes (value, interval, n, missing, suppressed); the report writes them too. */
export function dataOf(record: KpiRecord): Record<string, string> {
  const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  return {
    'data-indicator': record.indicator,
    'data-period': record.period,
    'data-value': text(record.value),
    'data-ci-low': text(record.ci_low),
    'data-ci-high': text(record.ci_high),
    'data-n': text(record.denominator),
    'data-missing': text(record.n_missing),
    'data-suppressed': text(record.suppressed),
    'data-baseline': text(record.baseline),
    'data-target': text(record.target),
  };
}

export function ValueText({ ctx, indicator, record }: { ctx: PageContext; indicator: Indicator; record: KpiRecord }) {
  if (record.suppressed) return <span class="suppressed">{ctx.t('dashboard.suppressed')}</span>;
  return <>{show(ctx, indicator, record.value)}</>;
}

export function intervalText(ctx: PageContext, indicator: Indicator, record: KpiRecord): string {
  if (record.suppressed || record.ci_low === null || record.ci_high === null) return '—';
  return `${show(ctx, indicator, record.ci_low)} – ${show(ctx, indicator, record.ci_high)}`;
}

function Cards({ ctx, view }: { ctx: PageContext; view: DashboardView }) {
  const { t, lang } = ctx;
  const period = view.cardPeriod;
  return (
    <section aria-labelledby="cards-heading">
      <h2 id="cards-heading">{period ? t('dashboard.cards', { period }) : t('dashboard.cards_none')}</h2>
      {period === null ? (
        <p>{t('dashboard.no_results')}</p>
      ) : (
        <ul class="kpi-cards">
          {view.indicators.map((indicator) => {
            const result = view.results.results.find((r) => r.indicator === indicator.key && r.period === period);
            const status = targetStatus(indicator, result);
            const record = result && kpiRecord(result, []);
            return (
              <li class={`kpi-card status-${status}`} {...(record ? dataOf(record) : { 'data-indicator': indicator.key, 'data-period': period })}>
                <h3>{indicator.names[lang]}</h3>
                <p class="kpi-value">{record ? <ValueText ctx={ctx} indicator={indicator} record={record} /> : '—'}</p>
                <dl>
                  <dt>{t('dashboard.ci')}</dt>
                  <dd>{record ? intervalText(ctx, indicator, record) : '—'}</dd>
                  <dt>{t('dashboard.n')}</dt>
                  <dd>{record ? String(record.denominator) : '0'}</dd>
                  <dt>{t('dashboard.baseline')}</dt>
                  <dd>{show(ctx, indicator, record?.baseline)}</dd>
                  <dt>{t('dashboard.target')}</dt>
                  <dd>{show(ctx, indicator, record?.target)}</dd>
                  <dt>{t('dashboard.status')}</dt>
                  <dd class="kpi-status">{t(`dashboard.status.${status}`)}</dd>
                </dl>
              </li>
            );
          })}
        </ul>
      )}
      {period !== null && (
        <p class="report-link">
          <a href={reportHref(period, view.query.programme)}>
            {view.query.programme ? t('dashboard.report_programme', { period, programme: view.query.programme }) : t('dashboard.report', { period })}
          </a>
        </p>
      )}
    </section>
  );
}

function ResultsTable({ ctx, view }: { ctx: PageContext; view: DashboardView }) {
  const { t, lang } = ctx;
  const byKey = new Map(view.indicators.map((i) => [i.key, i]));
  const sorted = inIndicatorOrder(view.results.results, view.indicators);
  return (
    <section aria-labelledby="table-heading">
      <h2 id="table-heading">{t('dashboard.table')}</h2>
      <ExportLinks ctx={ctx} what={t('dashboard.table')} href={(format) => dashboardExportHref(view.query, 'results', format)} />
      {sorted.length === 0 ? (
        <p>{t('dashboard.no_results')}</p>
      ) : (
        <table id="results">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.indicator_col')}</th>
              <th scope="col">{t('dashboard.period_col')}</th>
              <th scope="col" class="num">{t('dashboard.baseline')}</th>
              <th scope="col" class="num">{t('dashboard.target')}</th>
              <th scope="col" class="num">{t('dashboard.value')}</th>
              <th scope="col" class="num">{t('dashboard.ci')}</th>
              <th scope="col" class="num">{t('dashboard.n')}</th>
              <th scope="col">{t('dashboard.status')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((result) => {
              const indicator = byKey.get(result.indicator)!;
              const record = kpiRecord(result, []);
              return (
                <tr {...dataOf(record)}>
                  <th scope="row">{indicator.names[lang]}</th>
                  <td>{result.period}</td>
                  <td class="num">{show(ctx, indicator, record.baseline)}</td>
                  <td class="num">{show(ctx, indicator, record.target)}</td>
                  <td class="num">
                    <ValueText ctx={ctx} indicator={indicator} record={record} />
                  </td>
                  <td class="num">{intervalText(ctx, indicator, record)}</td>
                  <td class="num">{String(record.denominator)}</td>
                  <td>{t(`dashboard.status.${targetStatus(indicator, result)}`)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Charts({ ctx, view, indicator }: { ctx: PageContext; view: DashboardView; indicator: Indicator }) {
  const { t, lang } = ctx;
  const name = indicator.names[lang];
  const trendTarget = view.trend?.results.at(-1)?.target ?? null;
  const periodTarget = view.byModality?.results.find((r) => r.target !== null)?.target ?? null;
  return (
    <>
      {view.trend && (
        <ChartFigure
          ctx={ctx}
          query={view.query}
          id="chart-trend"
          table="trend"
          indicator={indicator}
          title={t('dashboard.trend', { indicator: name })}
          note={t('dashboard.trend_note')}
          report={view.trend}
          dimension={null}
          kind="line"
          target={trendTarget}
        />
      )}
      {view.byModality && (
        <ChartFigure
          ctx={ctx}
          query={view.query}
          id="chart-modality"
          table="modality"
          indicator={indicator}
          title={t('dashboard.by_modality', { indicator: name })}
          report={view.byModality}
          dimension="modality"
          kind="bars"
          target={periodTarget}
        />
      )}
      {view.disaggregation && view.query.by && (
        <ChartFigure
          ctx={ctx}
          query={view.query}
          id="chart-disaggregation"
          table="disaggregation"
          indicator={indicator}
          title={t('dashboard.by_dimension', { indicator: name, dimension: dimensions[view.query.by].labels[lang] })}
          report={view.disaggregation}
          dimension={view.query.by}
          kind="bars"
          target={periodTarget}
        />
      )}
    </>
  );
}

interface ChartFigureProps {
  ctx: PageContext;
  id: string;
  /** Which export gives its figures. */
  table: DashboardTable;
  query: DashboardQuery;
  indicator: Indicator;
  title: string;
  note?: string;
  report: KpiReport;
  /** The dimension of the groups; null: the periods are the categories (a trend). */
  dimension: DimensionKey | null;
  kind: 'line' | 'bars';
  target: number | null;
}

function ChartFigure({ ctx, id, table, query, indicator, title, note, report, dimension, kind, target }: ChartFigureProps) {
  const { t, lang } = ctx;
  const groupLabel = (code: string | null | undefined) => (code === null || code === undefined ? t('dashboard.not_stated') : dimensionValueLabel(dimension!, code, lang));
  const entries = report.results.map((result) => {
    const record = kpiRecord(result, report.by);
    const label = dimension === null ? result.period : groupLabel(result.by[dimension]);
    return { record, label, group: dimension === null ? null : (result.by[dimension] ?? null) };
  });
  if (dimension !== null && report.period === null) {
    // Without a period each year is its own: label the groups with their year.
    for (const entry of entries) entry.label = `${entry.label} ${entry.record.period}`;
  }
  const percent = indicator.unit === 'share';
  const points: ChartPoint[] = entries.map(({ record, label }) => ({
    label,
    value: record.suppressed ? null : (record.value as number | null),
    low: record.ci_low as number | null,
    high: record.ci_high as number | null,
    n: record.denominator as number,
    suppressed: record.suppressed === true,
  }));
  const axis = dimension === null ? t('dashboard.year') : dimensions[dimension].labels[lang].toLowerCase();
  return (
    <section aria-labelledby={`${id}-heading`} class="chart" id={id}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {note && <p class="muted">{note}</p>}
      {points.length > 0 && <ExportLinks ctx={ctx} what={title} href={(format) => dashboardExportHref(query, table, format)} />}
      {points.length === 0 ? (
        <p>{t('dashboard.no_chart')}</p>
      ) : (
        <figure>
          <p id={`${id}-description`} class="visually-hidden">
            {t('dashboard.chart_description', { indicator: indicator.names[lang], axis })}
          </p>
          <div
            class="chart-svg"
            role="img"
            aria-label={title}
            aria-describedby={`${id}-description`}
            dangerouslySetInnerHTML={{
              __html: chartSvg(points, {
                percent,
                target,
                kind,
                suppressedLabel: t('dashboard.suppressed'),
                nLabel: t('dashboard.n'),
                targetLabel: t('dashboard.target'),
              }),
            }}
          />
          <figcaption>
            <table class="chart-data">
              <caption>{t('dashboard.chart_table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{dimension === null ? t('dashboard.period_col') : t('dashboard.group')}</th>
                  <th scope="col" class="num">{t('dashboard.value')}</th>
                  <th scope="col" class="num">{t('dashboard.ci')}</th>
                  <th scope="col" class="num">{t('dashboard.n')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map(({ record, label, group }) => (
                  <tr {...dataOf(record)} data-group={group ?? ''}>
                    <th scope="row">{label}</th>
                    <td class="num">
                      <ValueText ctx={ctx} indicator={indicator} record={record} />
                    </td>
                    <td class="num">{intervalText(ctx, indicator, record)}</td>
                    <td class="num">{String(record.denominator)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </figcaption>
        </figure>
      )}
    </section>
  );
}
