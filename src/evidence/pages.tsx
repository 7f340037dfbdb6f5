// Pages of qualitative evidence and trainer ratings: plain GET forms for filters (so a filtered view
// is a shareable URL), plain POST forms with CSRF for coding. No JavaScript.
import { constituentGroupValues, genderValues, modalityValues, regionValues, type DimensionValue } from '../analytics/dimensions.ts';
import { CsrfField, renderPage, type PageContext } from '../web/page.tsx';
import type { CodebookEntry } from './codebook.ts';
import type { FilterOptions } from './repository.ts';
import type { CodeCounts, EvidenceText, TrainerRatings } from './service.ts';
import { UNCODED, mayCode } from './service.ts';

type Query = Record<string, string | number | undefined>;

const filterKeys = ['q', 'year', 'programme', 'activity', 'modality', 'gender', 'region', 'constituent_group', 'instrument', 'question', 'code', 'quotes'] as const;

/** The query string of the current filters (empty values dropped), plus `extra`. */
export function queryString(query: Query, extra: Record<string, string> = {}, keys: readonly string[] = filterKeys): string {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = query[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function Select({ name, label, value, options, any }: { name: string; label: string; value: string | undefined; options: Array<{ value: string; label: string }>; any: string }) {
  return (
    <label>
      {label}
      <select name={name}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option value={option.value} selected={option.value === (value ?? '')}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const fromValues = (values: readonly DimensionValue[], ctx: PageContext) => values.map((v) => ({ value: v.code, label: v.labels[ctx.lang] }));

function EvidenceNav({ ctx, query }: { ctx: PageContext; query: Query }) {
  const { t } = ctx;
  const qs = queryString(query);
  return (
    <nav aria-label={t('evidence.sections')}>
      <ul class="inline-list">
        <li><a href={`/evidence${qs}`}>{t('evidence.browse')}</a></li>
        <li><a href={`/evidence/counts${qs}`}>{t('evidence.counts')}</a></li>
        <li><a href="/evidence/codebook">{t('evidence.codebook')}</a></li>
        <li><a href={`/evidence${queryString({ ...query, quotes: '1' })}`}>{t('evidence.quotes')}</a></li>
      </ul>
    </nav>
  );
}

function FilterForm({ ctx, query, options, codebook, action }: { ctx: PageContext; query: Query; options: FilterOptions; codebook: CodebookEntry[]; action: string }) {
  const { t } = ctx;
  const any = t('evidence.any');
  const value = (key: string) => (query[key] === undefined ? undefined : String(query[key]));
  return (
    <form method="get" action={action} class="filters">
      <fieldset>
        <legend>{t('evidence.filters')}</legend>
        <label>
          {t('evidence.search')}
          <input type="search" name="q" value={value('q') ?? ''} />
        </label>
        <Select name="year" label={t('evidence.year')} value={value('year')} any={any} options={options.years.map((y) => ({ value: String(y), label: String(y) }))} />
        <Select name="programme" label={t('evidence.programme')} value={value('programme')} any={any} options={options.programmes.map((p) => ({ value: p, label: p }))} />
        <Select name="activity" label={t('evidence.activity')} value={value('activity')} any={any} options={options.activities.map((a) => ({ value: a.id, label: `${a.code} · ${a.title}` }))} />
        <Select name="modality" label={t('evidence.modality')} value={value('modality')} any={any} options={fromValues(modalityValues, ctx)} />
        <Select name="gender" label={t('evidence.gender')} value={value('gender')} any={any} options={fromValues(genderValues, ctx)} />
        <Select name="region" label={t('evidence.region')} value={value('region')} any={any} options={fromValues(regionValues, ctx)} />
        <Select name="constituent_group" label={t('evidence.constituent_group')} value={value('constituent_group')} any={any} options={fromValues(constituentGroupValues, ctx)} />
        <Select name="instrument" label={t('evidence.instrument')} value={value('instrument')} any={any} options={options.instruments.map((i) => ({ value: i.id, label: i.key }))} />
        <Select name="question" label={t('evidence.question')} value={value('question')} any={any} options={options.questions.map((q) => ({ value: q, label: q }))} />
        <Select
          name="code"
          label={t('evidence.code')}
          value={value('code')}
          any={any}
          options={[{ value: UNCODED, label: t('evidence.uncoded') }, ...codebook.map((entry) => ({ value: entry.code, label: entry.labels[ctx.lang] }))]}
        />
        <label>
          <input type="checkbox" name="quotes" value="1" checked={value('quotes') === '1'} /> {t('evidence.quotes_only')}
        </label>
        <button type="submit">{t('evidence.apply')}</button>
      </fieldset>
    </form>
  );
}

function ExportLinks({ ctx, path, query }: { ctx: PageContext; path: string; query: Query }) {
  return (
    <p>
      {ctx.t('evidence.export')}: <a href={`${path}${queryString(query, { format: 'csv' })}`}>CSV</a> ·{' '}
      <a href={`${path}${queryString(query, { format: 'xlsx' })}`}>XLSX</a>
    </p>
  );
}

function TextItem({ ctx, text, codebook, back }: { ctx: PageContext; text: EvidenceText; codebook: CodebookEntry[]; back: string }) {
  const { t } = ctx;
  const label = (code: string) => codebook.find((entry) => entry.code === code)?.labels[ctx.lang] ?? code;
  const anchor = `text-${text.id.replace(':', '-')}`;
  return (
    <article id={anchor} class="evidence-text">
      <blockquote>
        <p>{text.text}</p>
        <footer>
          {t('evidence.respondent')} <strong>{text.respondent}</strong>
          {text.quote && <> · <span class="badge">{t('evidence.selected_quote')}</span></>}
        </footer>
      </blockquote>
      <p class="muted">
        {[text.year ?? '', text.activityCode ? `${text.activityCode} · ${text.activityTitle ?? ''}` : '', text.programme ?? '', text.questionKey].filter((part) => part !== '').join(' — ')}
      </p>
      {text.codes.length > 0 ? (
        <ul class="inline-list" aria-label={t('evidence.codes')}>
          {text.codes.map((c) => (
            <li>
              <span class="badge">{label(c.code)}</span> <small class="muted">{t('evidence.coded_by', { name: c.codedBy ?? '—', date: c.codedAt.slice(0, 10) })}</small>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('evidence.no_codes')}</p>
      )}
      {ctx.actor && mayCode(ctx.actor) && (
        <form method="post" action="/evidence/code" class="coding">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="id" value={text.id} />
          <input type="hidden" name="back" value={back} />
          <fieldset>
            <legend>{t('evidence.code_this')}</legend>
            {codebook.map((entry) => (
              <label>
                <input type="checkbox" name="codes" value={entry.code} checked={text.codes.some((c) => c.code === entry.code)} /> {entry.labels[ctx.lang]}
              </label>
            ))}
            <label>
              <input type="checkbox" name="quote" value="1" checked={text.quote} /> {t('evidence.mark_quote')}
            </label>
            <button type="submit">{t('evidence.save_codes')}</button>
          </fieldset>
        </form>
      )}
    </article>
  );
}

export interface EvidenceView {
  results: { total: number; page: number; pageSize: number; texts: EvidenceText[] };
  codebook: CodebookEntry[];
  options: FilterOptions;
  query: Query;
}

export function evidencePage(ctx: PageContext, view: EvidenceView): string {
  const { t } = ctx;
  const { results, query } = view;
  const pages = Math.max(1, Math.ceil(results.total / results.pageSize));
  const back = `/evidence${queryString(query, results.page > 1 ? { page: String(results.page) } : {})}`;
  return renderPage({
    ctx,
    title: t('evidence.title'),
    children: (
      <>
        <h1>{t('evidence.title')}</h1>
        <p>{t('evidence.intro')}</p>
        <EvidenceNav ctx={ctx} query={query} />
        <FilterForm ctx={ctx} query={query} options={view.options} codebook={view.codebook} action="/evidence" />
        <p role="status">{t('evidence.found', { count: results.total })}</p>
        <ExportLinks ctx={ctx} path="/api/evidence/export/texts" query={query} />
        {results.texts.map((text) => (
          <TextItem ctx={ctx} text={text} codebook={view.codebook} back={back} />
        ))}
        {pages > 1 && (
          <nav aria-label={t('evidence.pagination')}>
            <p>
              {results.page > 1 && <a href={`/evidence${queryString(query, { page: String(results.page - 1) })}`}>{t('evidence.previous')}</a>}{' '}
              {t('evidence.page_of', { page: results.page, pages })}{' '}
              {results.page < pages && <a href={`/evidence${queryString(query, { page: String(results.page + 1) })}`}>{t('evidence.next')}</a>}
            </p>
          </nav>
        )}
      </>
    ),
  });
}

export function countsPage(ctx: PageContext, view: { counts: CodeCounts; options: FilterOptions; query: Query }): string {
  const { t } = ctx;
  const { counts, query } = view;
  const yearLabel = (year: number | null) => (year === null ? t('evidence.no_year') : String(year));
  return renderPage({
    ctx,
    title: t('evidence.counts_title'),
    children: (
      <>
        <h1>{t('evidence.counts_title')}</h1>
        <p>{t('evidence.counts_intro')}</p>
        <EvidenceNav ctx={ctx} query={query} />
        <FilterForm ctx={ctx} query={query} options={view.options} codebook={counts.codes.map((c) => ({ code: c.code, labels: c.labels, standard: true }))} action="/evidence/counts" />
        <ExportLinks ctx={ctx} path="/api/evidence/export/counts" query={query} />
        <table>
          <caption>{t('evidence.counts_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('evidence.code')}</th>
              {counts.years.map((year) => (
                <th scope="col">{yearLabel(year)}</th>
              ))}
              <th scope="col">{t('evidence.total')}</th>
            </tr>
          </thead>
          <tbody>
            {counts.codes.map((entry) => (
              <tr>
                <th scope="row">
                  <a href={`/evidence${queryString({ ...query, code: entry.code })}`}>{entry.labels[ctx.lang]}</a>
                </th>
                {entry.counts.map((cell) => (
                  <td>{cell.texts}</td>
                ))}
                <td>{entry.total}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('evidence.texts_in_year')}</th>
              {counts.totals.map((cell) => (
                <td>{cell.texts}</td>
              ))}
              <td>{counts.totals.reduce((sum, cell) => sum + cell.texts, 0)}</td>
            </tr>
          </tfoot>
        </table>
      </>
    ),
  });
}

export function codebookPage(ctx: PageContext, entries: CodebookEntry[]): string {
  const { t } = ctx;
  const canEdit = ctx.actor !== undefined && mayCode(ctx.actor);
  return renderPage({
    ctx,
    title: t('evidence.codebook'),
    children: (
      <>
        <h1>{t('evidence.codebook')}</h1>
        <p>{t('evidence.codebook_intro')}</p>
        <EvidenceNav ctx={ctx} query={{}} />
        <table>
          <thead>
            <tr>
              <th scope="col">{t('evidence.code')}</th>
              <th scope="col">English</th>
              <th scope="col">Français</th>
              <th scope="col">Español</th>
              <th scope="col">{t('evidence.kind')}</th>
              {canEdit && <th scope="col"><span class="visually-hidden">{t('evidence.remove')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr>
                <td><code>{entry.code}</code></td>
                <td lang="en">{entry.labels.en}</td>
                <td lang="fr">{entry.labels.fr}</td>
                <td lang="es">{entry.labels.es}</td>
                <td>{entry.standard ? t('evidence.standard_code') : t('evidence.own_code')}</td>
                {canEdit && (
                  <td>
                    {!entry.standard && (
                      <form method="post" action="/evidence/codebook/remove" class="inline">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="code" value={entry.code} />
                        <button type="submit">{t('evidence.remove')}</button>
                      </form>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {canEdit && (
          <form method="post" action="/evidence/codebook">
            <CsrfField ctx={ctx} />
            <fieldset>
              <legend>{t('evidence.add_code')}</legend>
              <label>
                {t('evidence.code')} <input name="code" required pattern="[a-z][a-z0-9_]{1,39}" />
              </label>
              <label>
                English <input name="label_en" required maxLength={200} lang="en" />
              </label>
              <label>
                Français <input name="label_fr" required maxLength={200} lang="fr" />
              </label>
              <label>
                Español <input name="label_es" required maxLength={200} lang="es" />
              </label>
              <button type="submit">{t('evidence.add_code')}</button>
            </fieldset>
          </form>
        )}
      </>
    ),
  });
}

const ratingKeys = ['year', 'activity', 'resource_person', 'min_cell_size'] as const;

export function ratingsPage(
  ctx: PageContext,
  view: { ratings: TrainerRatings; options: (FilterOptions & { persons: Array<{ id: string; code: string }> }) | undefined; query: Query },
): string {
  const { t } = ctx;
  const { ratings, query, options } = view;
  const format = (value: number | null) => (value === null ? '' : value.toFixed(2));
  const exportLink = (fmt: string) => `/api/trainer-ratings/export${queryString(query, { format: fmt }, ratingKeys)}`;
  return renderPage({
    ctx,
    title: t('ratings.title'),
    children: (
      <>
        <h1>{t('ratings.title')}</h1>
        <p>{t(ratings.scope === 'all' ? 'ratings.intro_all' : 'ratings.intro_own')}</p>
        {ratings.scope === 'none' && <p role="status">{t('ratings.not_linked')}</p>}
        {ctx.actor?.role === 'administrator' && (
          <p>
            <a href="/trainer-links">{t('trainer_links.title')}</a>
          </p>
        )}
        <form method="get" action="/trainer-ratings" class="filters">
          <fieldset>
            <legend>{t('evidence.filters')}</legend>
            <label>
              {t('evidence.year')} <input name="year" inputMode="numeric" pattern="\d{4}" value={query.year === undefined ? '' : String(query.year)} />
            </label>
            {options && (
              <>
                <Select name="activity" label={t('evidence.activity')} value={query.activity as string | undefined} any={t('evidence.any')} options={options.activities.map((a) => ({ value: a.id, label: `${a.code} · ${a.title}` }))} />
                <Select name="resource_person" label={t('ratings.resource_person')} value={query.resource_person as string | undefined} any={t('evidence.any')} options={options.persons.map((person) => ({ value: person.id, label: person.code }))} />
              </>
            )}
            <button type="submit">{t('evidence.apply')}</button>
          </fieldset>
        </form>
        <p>
          {t('ratings.suppression', { n: ratings.minCellSize })} {t('evidence.export')}: <a href={exportLink('csv')}>CSV</a> · <a href={exportLink('xlsx')}>XLSX</a> ({t('ratings.export_logged')})
        </p>
        {(['activity', 'year'] as const).map((grouping) => (
          <table>
            <caption>{t(grouping === 'activity' ? 'ratings.by_activity' : 'ratings.by_year')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ratings.resource_person')}</th>
                <th scope="col">{t(grouping === 'activity' ? 'evidence.activity' : 'evidence.year')}</th>
                <th scope="col">n</th>
                <th scope="col">{t('ratings.mean')}</th>
                <th scope="col">{t('ratings.ci')}</th>
              </tr>
            </thead>
            <tbody>
              {ratings.cells
                .filter((c) => c.grouping === grouping)
                .map((c) => (
                  <tr>
                    <td>{c.resourcePersonCode}</td>
                    <td>{grouping === 'activity' ? `${c.activityCode ?? ''} · ${c.activityTitle ?? ''} (${c.year ?? ''})` : c.year ?? t('evidence.no_year')}</td>
                    <td>{c.n}</td>
                    {c.suppressed ? (
                      <td colSpan={2}>
                        <em>{t('ratings.suppressed')}</em>
                      </td>
                    ) : (
                      <>
                        <td>{format(c.mean)}</td>
                        <td>
                          {format(c.ciLow)}–{format(c.ciHigh)}
                        </td>
                      </>
                    )}
                  </tr>
                ))}
            </tbody>
          </table>
        ))}
      </>
    ),
  });
}

export function trainerLinksPage(
  ctx: PageContext,
  view: { links: Array<{ userId: string; userName: string; userEmail: string; participantId: string | null; participantCode: string | null }>; persons: Array<{ id: string; code: string }> },
): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('trainer_links.title'),
    children: (
      <>
        <h1>{t('trainer_links.title')}</h1>
        <p>{t('trainer_links.intro')}</p>
        {view.links.length === 0 ? (
          <p class="muted">{t('trainer_links.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('trainer_links.user')}</th>
                <th scope="col">{t('ratings.resource_person')}</th>
              </tr>
            </thead>
            <tbody>
              {view.links.map((link) => (
                <tr>
                  <td>
                    {link.userName} <small class="muted">{link.userEmail}</small>
                  </td>
                  <td>
                    <form method="post" action="/trainer-links" class="inline">
                      <CsrfField ctx={ctx} />
                      <input type="hidden" name="user_id" value={link.userId} />
                      <label>
                        <span class="visually-hidden">{t('ratings.resource_person')}</span>
                        <select name="participant_id">
                          <option value="">{t('trainer_links.not_linked')}</option>
                          {view.persons.map((person) => (
                            <option value={person.id} selected={person.id === link.participantId}>
                              {person.code}
                            </option>
                          ))}
                        </select>
                      </label>
                      <button type="submit">{t('trainer_links.save')}</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    ),
  });
}
