// The evaluation sections of the activity page (/activities/:id, rendered by catalogue/pages.tsx):
// participants' profile, response rates per wave, the activity's indicators beside the
// organisation's, the pre/post score distribution with the paired tests, comments and trainer
// ratings. Every table carries its raw figures in data-* attributes (compared with the APIs by
// activity.test.ts) and offers its figures as CSV and XLSX under the same period.
import { dimensions, dimensionValueLabel } from '../analytics/dimensions.ts';
import { kpiRecord, type KpiRecord } from '../analytics/output.ts';
import type { Indicator } from '../analytics/service.ts';
import type { PageContext } from '../web/page.tsx';
import { kpiPairs, type ActivityResults, type ActivityView, type PhaseScores } from './activity.ts';
import { distributionSvg } from './charts.ts';
import { bandBounds, type ActivityTable } from './exports.ts';
import { dataOf, ExportLinks, intervalText, ValueText } from './pages.tsx';
import { SCORE_BANDS } from './repository.ts';

type Props = { ctx: PageContext; view: ActivityView };

function activityExportHref(view: ActivityView, table: ActivityTable, format: 'csv' | 'xlsx'): string {
  const params = new URLSearchParams({ table, format });
  if (view.period) params.set('period', view.period);
  return `/api/activities/${view.activity.id}/export?${params.toString()}`;
}

const percent = (ctx: PageContext, value: number | null) =>
  value === null ? '—' : new Intl.NumberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 1 }).format(value);
const decimal = (ctx: PageContext, value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? '—' : new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: digits }).format(value);

/** Everything below the activity's description. */
export function ActivitySections({ ctx, view }: Props) {
  return (
    <>
      {view.results && <Scope ctx={ctx} view={view} />}
      <Profile ctx={ctx} view={view} />
      {view.results && (
        <>
          <Rates ctx={ctx} view={view} results={view.results} />
          <Kpis ctx={ctx} view={view} results={view.results} />
          <Scores ctx={ctx} view={view} results={view.results} />
          <Comments ctx={ctx} view={view} results={view.results} />
        </>
      )}
      {view.ratings && <Ratings ctx={ctx} view={view} ratings={view.ratings} />}
    </>
  );
}

/** Where the page stands in the dashboard's drill-down, and the period of its figures. */
function Scope({ ctx, view }: Props) {
  const { t } = ctx;
  const period = view.period ? `period=${encodeURIComponent(view.period)}` : '';
  const programme = view.activity.programme;
  return (
    <>
      <nav aria-label={t('dashboard.drill')} class="drill">
        <ol class="breadcrumbs">
          <li>
            <a href={`/dashboard${period ? `?${period}` : ''}`}>{t('dashboard.organisation')}</a>
          </li>
          {programme && (
            <li>
              <a href={`/dashboard?${period ? `${period}&` : ''}programme=${encodeURIComponent(programme)}`}>{programme}</a>
            </li>
          )}
          <li>
            <span aria-current="page">{t('dashboard.activity', { code: view.activity.code })}</span>
          </li>
        </ol>
      </nav>
      <form method="get" action={`/activities/${view.activity.id}`} class="filters" aria-label={t('activity.period_form')}>
        <p>
          <label for="period">{t('dashboard.period')}</label>
          <input id="period" name="period" value={view.period ?? ''} pattern="\d{4}(-\d{4})?" aria-describedby="period-hint" size={10} />{' '}
          <span id="period-hint" class="muted">
            {t('activity.period_hint')}
          </span>{' '}
          <button type="submit">{t('dashboard.apply')}</button>
        </p>
      </form>
      <p class="muted">
        {view.period ? t('activity.figures_for', { period: view.period }) : t('activity.no_period')} {t('dashboard.suppression_note', { min: view.profile.minCellSize })}
      </p>
    </>
  );
}

function Profile({ ctx, view }: Props) {
  const { t, lang } = ctx;
  const profile = view.profile;
  return (
    <section aria-labelledby="profile-heading" id="profile">
      <h2 id="profile-heading">{t('activity.profile', { n: profile.total })}</h2>
      {view.results && <ExportLinks ctx={ctx} what={t('activity.profile_short')} href={(format) => activityExportHref(view, 'profile', format)} />}
      {profile.total === 0 ? (
        <p>{t('activity.no_participants')}</p>
      ) : (
        <div class="breakdown">
          {[...new Set(profile.groups.map((g) => g.dimension))].map((dimension) => (
            <table data-dimension={dimension}>
              <caption>{dimensions[dimension].labels[lang]}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.group')}</th>
                  <th scope="col" class="num">{t('activity.participants')}</th>
                  <th scope="col" class="num">{t('activity.share')}</th>
                </tr>
              </thead>
              <tbody>
                {profile.groups
                  .filter((g) => g.dimension === dimension)
                  .map((g) => (
                    <tr data-dimension={dimension} data-value={g.value ?? ''} data-count={g.count ?? ''} data-share={g.share ?? ''} data-suppressed={String(g.suppressed)}>
                      <th scope="row">{g.value === null ? t('dashboard.not_stated') : dimensionValueLabel(dimension, g.value, lang)}</th>
                      {g.suppressed ? (
                        <td class="num" colSpan={2}>
                          <span class="suppressed">{t('activity.fewer_than', { min: profile.minCellSize })}</span>
                        </td>
                      ) : (
                        <>
                          <td class="num">{String(g.count)}</td>
                          <td class="num">{percent(ctx, g.share)}</td>
                        </>
                      )}
                    </tr>
                  ))}
              </tbody>
            </table>
          ))}
        </div>
      )}
    </section>
  );
}

function Rates({ ctx, view, results }: Props & { results: ActivityResults }) {
  const { t } = ctx;
  const date = (value: Date) => value.toISOString().slice(0, 10);
  return (
    <section aria-labelledby="rates-heading" id="rates">
      <h2 id="rates-heading">{t('activity.rates')}</h2>
      <p class="muted">{t('activity.rates_note')}</p>
      {results.waves.length === 0 ? (
        <p>{t('activity.no_waves')}</p>
      ) : (
        <>
          <ExportLinks ctx={ctx} what={t('activity.rates')} href={(format) => activityExportHref(view, 'rates', format)} />
          <table>
            <thead>
              <tr>
                <th scope="col">{t('activity.wave')}</th>
                <th scope="col">{t('activity.dates')}</th>
                <th scope="col" class="num">{t('activity.eligible')}</th>
                <th scope="col" class="num">{t('activity.invited')}</th>
                <th scope="col" class="num">{t('activity.partial')}</th>
                <th scope="col" class="num">{t('activity.complete')}</th>
                <th scope="col" class="num">RR1</th>
                <th scope="col" class="num">RR2</th>
              </tr>
            </thead>
            <tbody>
              {results.waves.map(({ wave, rate }) => (
                <tr data-wave={wave.id} data-eligible={rate.eligible} data-invited={rate.invited} data-partial={rate.partial} data-complete={rate.complete} data-rr1={rate.rr1 ?? ''} data-rr2={rate.rr2 ?? ''}>
                  <th scope="row">
                    <a href={`/waves/${wave.id}`}>{wave.name}</a> <span class="muted">({wave.instrumentKey})</span>
                  </th>
                  <td>
                    {date(wave.opensAt)} – {date(wave.closesAt)}
                  </td>
                  <td class="num">{String(rate.eligible)}</td>
                  <td class="num">{String(rate.invited)}</td>
                  <td class="num">{String(rate.partial)}</td>
                  <td class="num">{String(rate.complete)}</td>
                  <td class="num">{percent(ctx, rate.rr1)}</td>
                  <td class="num">{percent(ctx, rate.rr2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** dataOf() with its attribute names prefixed: data-activity-value, data-organisation-n… */
function prefixedData(prefix: string, record: KpiRecord | undefined): Record<string, string> {
  if (!record) return {};
  return Object.fromEntries(
    Object.entries(dataOf(record))
      .filter(([name]) => !['data-indicator', 'data-period', 'data-baseline', 'data-target'].includes(name))
      .map(([name, value]) => [`data-${prefix}-${name.slice(5)}`, value]),
  );
}

function Figure({ ctx, indicator, record }: { ctx: PageContext; indicator: Indicator; record: KpiRecord | undefined }) {
  if (!record) return <td colSpan={3}>—</td>;
  return (
    <>
      <td class="num">
        <ValueText ctx={ctx} indicator={indicator} record={record} />
      </td>
      <td class="num">{intervalText(ctx, indicator, record)}</td>
      <td class="num">{String(record.denominator)}</td>
    </>
  );
}

function Kpis({ ctx, view, results }: Props & { results: ActivityResults }) {
  const { t, lang } = ctx;
  const pairs = kpiPairs(results.activity, results.organisation, results.indicators);
  return (
    <section aria-labelledby="kpis-heading" id="kpis">
      <h2 id="kpis-heading">{t('activity.kpis')}</h2>
      {pairs.length === 0 ? (
        <p>{t('dashboard.no_results')}</p>
      ) : (
        <>
          <ExportLinks ctx={ctx} what={t('activity.kpis')} href={(format) => activityExportHref(view, 'kpis', format)} />
          <table id="kpi-comparison">
            <thead>
              <tr>
                <th scope="col" rowSpan={2}>
                  {t('dashboard.indicator_col')}
                </th>
                <th scope="col" rowSpan={2}>
                  {t('dashboard.period_col')}
                </th>
                <th scope="colgroup" colSpan={3}>
                  {t('activity.this_activity')}
                </th>
                <th scope="colgroup" colSpan={3}>
                  {t('activity.organisation')}
                </th>
              </tr>
              <tr>
                {[0, 1].map(() => (
                  <>
                    <th scope="col" class="num">{t('dashboard.value')}</th>
                    <th scope="col" class="num">{t('dashboard.ci')}</th>
                    <th scope="col" class="num">{t('dashboard.n')}</th>
                  </>
                ))}
              </tr>
            </thead>
            <tbody>
              {pairs.map(({ indicator, period, activity, organisation }) => {
                const own = activity && kpiRecord(activity, []);
                const all = organisation && kpiRecord(organisation, []);
                return (
                  <tr data-indicator={indicator.key} data-period={period} {...prefixedData('activity', own)} {...prefixedData('organisation', all)}>
                    <th scope="row">{indicator.names[lang]}</th>
                    <td>{period}</td>
                    <Figure ctx={ctx} indicator={indicator} record={own} />
                    <Figure ctx={ctx} indicator={indicator} record={all} />
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Scores({ ctx, view, results }: Props & { results: ActivityResults }) {
  const { t } = ctx;
  const { pre, post } = results.distribution;
  if (pre.n === 0 && post.n === 0) {
    return (
      <section aria-labelledby="scores-heading" id="scores">
        <h2 id="scores-heading">{t('activity.scores')}</h2>
        <p>{t('activity.no_scores')}</p>
      </section>
    );
  }
  const bandLabel = (band: number) => {
    const [from, to] = bandBounds(band);
    return `${from}–${to}%`;
  };
  const bands = Array.from({ length: SCORE_BANDS }, (_, band) => ({ label: bandLabel(band), counts: [pre.bands?.[band] ?? null, post.bands?.[band] ?? null] }));
  const nText = (phase: PhaseScores, which: 'pre' | 'post') =>
    `${t(`activity.${which}`)}: ${t('dashboard.n')} = ${phase.n}${phase.suppressed ? ` (${t('dashboard.suppressed')})` : ''}`;
  return (
    <section aria-labelledby="scores-heading" id="scores" class="chart">
      <h2 id="scores-heading">{t('activity.scores')}</h2>
      <ExportLinks ctx={ctx} what={t('activity.scores')} href={(format) => activityExportHref(view, 'distribution', format)} />
      <figure>
        <p id="scores-description" class="visually-hidden">
          {t('activity.scores_description')}
        </p>
        <p class="chart-n">
          {nText(pre, 'pre')} · {nText(post, 'post')}
        </p>
        <div
          class="chart-svg"
          role="img"
          aria-label={t('activity.scores')}
          aria-describedby="scores-description"
          dangerouslySetInnerHTML={{ __html: distributionSvg(bands, { series: [t('activity.pre'), t('activity.post')] }) }}
        />
        <figcaption>
          <table class="chart-data" id="score-bands">
            <caption>{t('dashboard.chart_table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('activity.score_band')}</th>
                <th scope="col" class="num">{t('activity.pre')}</th>
                <th scope="col" class="num">{t('activity.post')}</th>
              </tr>
            </thead>
            <tbody>
              {bands.map((band, index) => (
                <tr data-band={index} data-pre={band.counts[0] ?? ''} data-post={band.counts[1] ?? ''}>
                  <th scope="row">{band.label}</th>
                  {band.counts.map((count) => (
                    <td class="num">{count === null ? <span class="suppressed">{t('dashboard.suppressed')}</span> : String(count)}</td>
                  ))}
                </tr>
              ))}
              <tr data-band="n" data-pre={pre.n} data-post={post.n}>
                <th scope="row">{t('dashboard.n')}</th>
                <td class="num">{String(pre.n)}</td>
                <td class="num">{String(post.n)}</td>
              </tr>
            </tbody>
          </table>
        </figcaption>
      </figure>
      <PairedTests ctx={ctx} view={view} results={results} />
    </section>
  );
}

function PairedTests({ ctx, view, results }: Props & { results: ActivityResults }) {
  const { t, lang } = ctx;
  const name = (key: string) => results.indicators.find((i) => i.key === key)?.names[lang] ?? key;
  if (results.paired.length === 0) return <p>{t('activity.no_paired')}</p>;
  return (
    <>
      <h3>{t('activity.paired')}</h3>
      <ExportLinks ctx={ctx} what={t('activity.paired')} href={(format) => activityExportHref(view, 'paired', format)} />
      <table id="paired-tests">
        <thead>
          <tr>
            <th scope="col">{t('dashboard.indicator_col')}</th>
            <th scope="col" class="num">{t('dashboard.n')}</th>
            <th scope="col" class="num">{t('activity.mean_difference')}</th>
            <th scope="col" class="num">{t('dashboard.ci')}</th>
            <th scope="col">{t('activity.t_test')}</th>
            <th scope="col">{t('activity.wilcoxon')}</th>
          </tr>
        </thead>
        <tbody>
          {results.paired.map(({ indicator, period, tests }) => {
            if (tests.kind === 'suppressed') {
              return (
                <tr data-indicator={indicator} data-period={period} data-n={tests.n} data-suppressed="true">
                  <th scope="row">{name(indicator)}</th>
                  <td class="num">{String(tests.n)}</td>
                  <td colSpan={4}>
                    <span class="suppressed">{t('dashboard.suppressed')}</span>
                  </td>
                </tr>
              );
            }
            const { tTest, wilcoxon } = tests;
            return (
              <tr data-indicator={indicator} data-period={period} data-n={tTest?.n ?? ''} data-suppressed="false" data-mean-difference={tTest?.meanDifference ?? ''} data-t-p={tTest?.pValue ?? ''} data-wilcoxon-p={wilcoxon?.pValue ?? ''}>
                <th scope="row">{name(indicator)}</th>
                <td class="num">{String(tTest?.n ?? wilcoxon?.n ?? '—')}</td>
                <td class="num">{decimal(ctx, tTest?.meanDifference)}</td>
                <td class="num">{tTest ? `${decimal(ctx, tTest.interval.low)} – ${decimal(ctx, tTest.interval.high)}` : '—'}</td>
                <td>{tTest ? `t(${tTest.df}) = ${decimal(ctx, tTest.t)}, p = ${decimal(ctx, tTest.pValue, 3)}` : '—'}</td>
                <td>{wilcoxon ? `V = ${decimal(ctx, wilcoxon.statistic)}, p = ${decimal(ctx, wilcoxon.pValue, 3)}` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function Comments({ ctx, view, results }: Props & { results: ActivityResults }) {
  const { t } = ctx;
  const { total, texts } = results.comments;
  const activity = encodeURIComponent(view.activity.id);
  return (
    <section aria-labelledby="comments-heading" id="comments">
      <h2 id="comments-heading">{t('activity.comments', { n: total })}</h2>
      <p class="muted">{t('activity.comments_note')}</p>
      {total === 0 ? (
        <p>{t('activity.no_comments')}</p>
      ) : (
        <>
          <ExportLinks ctx={ctx} what={t('activity.comments_short')} href={(format) => `/api/evidence/export/texts?activity=${activity}&format=${format}`} />
          {texts.map((text) => (
            <blockquote class="evidence-text" data-respondent={text.respondent} data-question={text.questionKey}>
              <p>{text.text}</p>
              <footer>
                {t('evidence.respondent')} <strong>{text.respondent}</strong> · {text.questionKey}
                {text.quote && (
                  <>
                    {' '}
                    · <span class="badge">{t('evidence.selected_quote')}</span>
                  </>
                )}
              </footer>
            </blockquote>
          ))}
          {total > texts.length && (
            <p>
              <a href={`/evidence?activity=${activity}`}>{t('activity.all_comments', { n: total })}</a>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function Ratings({ ctx, view, ratings }: Props & { ratings: NonNullable<ActivityView['ratings']> }) {
  const { t } = ctx;
  const activity = encodeURIComponent(view.activity.id);
  return (
    <section aria-labelledby="ratings-heading" id="ratings">
      <h2 id="ratings-heading">{t('ratings.title')}</h2>
      <p class="muted">
        {ratings.scope === 'all' ? t('ratings.intro_all') : t('ratings.intro_own')} {t('ratings.suppression', { n: ratings.minCellSize })}
      </p>
      {ratings.scope === 'none' ? (
        <p>{t('ratings.not_linked')}</p>
      ) : ratings.cells.length === 0 ? (
        <p>{t('activity.no_ratings')}</p>
      ) : (
        <>
          <ExportLinks ctx={ctx} what={`${t('ratings.title')} (${t('ratings.export_logged')})`} href={(format) => `/api/trainer-ratings/export?activity=${activity}&format=${format}`} />
          <table id="trainer-ratings">
            <thead>
              <tr>
                <th scope="col">{t('ratings.resource_person')}</th>
                <th scope="col" class="num">{t('ratings.mean')}</th>
                <th scope="col" class="num">{t('ratings.ci')}</th>
                <th scope="col" class="num">{t('dashboard.n')}</th>
              </tr>
            </thead>
            <tbody>
              {ratings.cells.map((c) => (
                <tr data-resource-person={c.resourcePersonId} data-n={c.n} data-mean={c.mean ?? ''} data-suppressed={String(c.suppressed)}>
                  <th scope="row">{c.resourcePersonCode}</th>
                  {c.suppressed ? (
                    <td colSpan={2}>
                      <span class="suppressed">{t('ratings.suppressed')}</span>
                    </td>
                  ) : (
                    <>
                      <td class="num">{decimal(ctx, c.mean)}</td>
                      <td class="num">
                        {decimal(ctx, c.ciLow)} – {decimal(ctx, c.ciHigh)}
                      </td>
                    </>
                  )}
                  <td class="num">{String(c.n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
