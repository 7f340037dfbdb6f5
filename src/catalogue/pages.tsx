// Catalogue pages: the public search page (anonymous, works without JavaScript) and the staff
// activity list, form and activity page with its participants.
import type { ActivityRow, ResourceWithLinks } from './repository.ts';
import type { CatalogueQuery, CatalogueResults, FacetName } from './search.ts';
import { facetNames, sortOrders } from './search.ts';
import { activityStatuses, feeTypes, modalities, resourceTypes } from './vocabulary.ts';
import { countryName } from '../people/reference/m49.ts';
import type { EnrolmentListing } from '../people/repository.ts';
import type { ActivityView } from '../dashboard/activity.ts';
import { ActivitySections } from '../dashboard/activity-pages.tsx';
import { EnrolmentForm, enrolmentValues } from '../people/pages.tsx';
import type { MessageKey } from '../web/i18n/index.ts';
import { CsrfField, renderPage, type PageContext } from '../web/page.tsx';

export type ThemeLabels = Map<string, string>;

const humanise = (value: string) => value.replace(/_/g, ' ');

/** A closed-vocabulary code in the page's language (the code itself, humanised, if it has no label). */
export function vocabularyLabel(kind: 'modality' | 'fee_type' | 'status' | 'region', value: string, ctx: PageContext): string {
  const key = `catalogue.${kind}.${value}` as MessageKey;
  const label = ctx.t(key);
  return label === key ? humanise(value) : label;
}

function facetLabel(facet: FacetName, value: string, ctx: PageContext, themeLabels: ThemeLabels): string {
  if (facet === 'theme') return themeLabels.get(value) ?? humanise(value);
  if (facet === 'country') return countryName(value, ctx.lang);
  if (facet === 'language') return new Intl.DisplayNames([ctx.lang], { type: 'language' }).of(value) ?? value;
  if (facet === 'modality' || facet === 'fee_type' || facet === 'status' || facet === 'region') return vocabularyLabel(facet, value, ctx);
  return humanise(value);
}

const queryKeys: Record<FacetName, keyof CatalogueQuery> = {
  theme: 'theme', modality: 'modality', language: 'language', region: 'region', country: 'country', year: 'year',
  fee_type: 'feeType', status: 'status', target_group: 'targetGroup',
};

/** The URL of this search with one parameter changed (undefined removes it); page resets to 1. */
function searchUrl(query: CatalogueQuery, change: Partial<Record<keyof CatalogueQuery, string | number | undefined>>): string {
  const merged = { ...query, page: undefined, ...change } as Record<string, unknown>;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '/catalogue' : `/catalogue?${text}`;
}

export function publicCataloguePage(ctx: PageContext, query: CatalogueQuery, results: CatalogueResults, themeLabels: ThemeLabels): string {
  const { t } = ctx;
  const lastPage = Math.max(1, Math.ceil(results.total / results.pageSize));
  return renderPage({
    ctx,
    title: t('catalogue.title'),
    children: (
      <>
        <h1>{t('catalogue.title')}</h1>
        <form method="get" action="/catalogue" role="search">
          <label for="q">{t('catalogue.query')}</label>
          <input id="q" name="q" type="search" value={query.q ?? ''} />
          {query.org && <input type="hidden" name="org" value={query.org} />}{' '}
          <label for="when">{t('catalogue.when')}</label>
          <select id="when" name="when">
            <option value="">{t('catalogue.any')}</option>
            <option value="upcoming" selected={query.when === 'upcoming'}>{t('catalogue.upcoming')}</option>
            <option value="past" selected={query.when === 'past'}>{t('catalogue.past')}</option>
          </select>{' '}
          <label for="sort">{t('catalogue.sort')}</label>
          <select id="sort" name="sort">
            {sortOrders.map((sort) => (
              <option value={sort} selected={query.sort === sort}>{t(`catalogue.sort.${sort}`)}</option>
            ))}
          </select>{' '}
          <button type="submit">{t('catalogue.search')}</button>
        </form>
        <div class="catalogue">
          <aside aria-label={t('catalogue.refine')}>
            <h2>{t('catalogue.refine')}</h2>
            <p><a href="/catalogue">{t('catalogue.clear')}</a></p>
            {facetNames.filter((facet) => results.facets[facet].length > 0).map((facet) => (
              <section>
                <h3>{t(`facet.${facet}`)}</h3>
                <ul class="facet" data-facet={facet}>
                  {results.facets[facet].slice(0, 12).map(({ value, count }) => {
                    const key = queryKeys[facet];
                    const active = String(query[key] ?? '') === value;
                    return (
                      <li>
                        <a href={searchUrl(query, { [key]: active ? undefined : value })} aria-current={active ? 'true' : undefined}>
                          {facetLabel(facet, value, ctx, themeLabels)}
                        </a>{' '}
                        <span class="muted">({count})</span>
                      </li>
                    );
                  })}
                </ul>
              </section>
            ))}
          </aside>
          <section aria-live="polite">
            <h2 id="results">{t('catalogue.results', { count: results.total })}</h2>
            {results.total === 0 && <p>{t('catalogue.no_results')}</p>}
            <ol class="results">
              {results.activities.map((activity) => (
                <li class="activity">
                  <h3>{activity.title}</h3>
                  <p class="muted">
                    {activity.code} · {vocabularyLabel('modality', activity.modality, ctx)} · {activity.startDate ?? ''}{activity.endDate ? ` – ${activity.endDate}` : ''} ·{' '}
                    {activity.country ? `${activity.city ? `${activity.city}, ` : ''}${countryName(activity.country, ctx.lang)}` : t('catalogue.online')} ·{' '}
                    {activity.languages.join(', ')} · {t('catalogue.by', { name: activity.organisation.name })}
                  </p>
                  <p>{activity.description}</p>
                </li>
              ))}
            </ol>
            <nav aria-label="Pages">
              {results.page > 1 && <a href={searchUrl(query, { page: results.page - 1 })} rel="prev">{t('catalogue.previous')}</a>}{' '}
              {results.page < lastPage && <a href={searchUrl(query, { page: results.page + 1 })} rel="next">{t('catalogue.next')}</a>}
            </nav>
            <h2>{t('catalogue.resources', { count: results.resourceTotal })}</h2>
            <ul class="resources">
              {results.resources.map((resource) => (
                <li>
                  {resource.url ? <a href={resource.url}>{resource.title}</a> : resource.title}{' '}
                  <span class="muted">({humanise(resource.type)} · {resource.languages.join(', ')}{resource.licence ? ` · ${resource.licence}` : ''})</span>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </>
    ),
  });
}

export function activitiesPage(ctx: PageContext, list: ActivityRow[], filter: { q?: string; status?: string }, canEdit: boolean, themeCodes: string[]): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('activities.title'),
    children: (
      <>
        <h1>{t('activities.title')}</h1>
        <form method="get" action="/activities">
          <label for="filter-q">{t('catalogue.query')}</label>
          <input id="filter-q" name="q" value={filter.q ?? ''} />{' '}
          <label for="filter-status">{t('activities.status')}</label>
          <select id="filter-status" name="status">
            <option value="">{t('catalogue.any')}</option>
            {activityStatuses.map((status) => <option value={status} selected={filter.status === status}>{humanise(status)}</option>)}
          </select>{' '}
          <button type="submit">{t('activities.filter')}</button>
        </form>
        <p>
          {t('activities.export')}: <a href="/api/exports/activities.csv">CSV</a> · <a href="/api/exports/activities.xlsx">XLSX</a>
          {canEdit && <> · <a href="/imports?kind=activities">{t('imports.link')}</a></>}
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('activities.code')}</th>
              <th scope="col">{t('activities.name')}</th>
              <th scope="col">{t('activities.dates')}</th>
              <th scope="col">{t('activities.status')}</th>
              <th scope="col">{t('activities.published')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((activity) => (
              <tr>
                <td><a href={`/activities/${activity.id}`}>{activity.code}</a></td>
                <td>{activity.title}</td>
                <td>{activity.startDate ?? ''} – {activity.endDate ?? ''}</td>
                <td>{humanise(activity.status)}</td>
                <td>{activity.published ? '✓' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canEdit && <ActivityForm ctx={ctx} themeCodes={themeCodes} />}
      </>
    ),
  });
}

function ActivityForm({ ctx, activity, themeCodes }: { ctx: PageContext; activity?: ActivityRow; themeCodes: string[] }) {
  const { t } = ctx;
  return (
    <form method="post" action="/activities">
      <h2>{t('activities.new')}</h2>
      <CsrfField ctx={ctx} />
      <label for="code">{t('activities.code')}</label>
      <input id="code" name="code" required value={activity?.code ?? ''} />
      <label for="title">{t('activities.name')}</label>
      <input id="title" name="title" required value={activity?.title ?? ''} />
      <label for="description">{t('activities.description')}</label>
      <textarea id="description" name="description">{activity?.description ?? ''}</textarea>
      <label for="modality">{t('activities.modality')}</label>
      <select id="modality" name="modality">
        {modalities.map((m) => <option value={m} selected={activity?.modality === m}>{humanise(m)}</option>)}
      </select>
      <label for="languages">{t('activities.languages')}</label>
      <input id="languages" name="languages" value={activity?.languages.join(';') ?? ''} />
      <label for="themes">{t('activities.themes')}</label>
      <select id="themes" name="themes" multiple>
        {themeCodes.map((code) => <option value={code} selected={activity?.themes.includes(code)}>{humanise(code)}</option>)}
      </select>
      <label for="start_date">{t('activities.start')}</label>
      <input id="start_date" name="start_date" type="date" value={activity?.startDate ?? ''} />
      <label for="end_date">{t('activities.end')}</label>
      <input id="end_date" name="end_date" type="date" value={activity?.endDate ?? ''} />
      <label for="country">{t('activities.country')}</label>
      <input id="country" name="country" maxLength={2} value={activity?.country ?? ''} />
      <label for="city">{t('activities.city')}</label>
      <input id="city" name="city" value={activity?.city ?? ''} />
      <label for="fee_type">{t('activities.fee')}</label>
      <select id="fee_type" name="fee_type">
        {feeTypes.map((f) => <option value={f} selected={activity?.feeType === f}>{humanise(f)}</option>)}
      </select>
      <label for="status">{t('activities.status')}</label>
      <select id="status" name="status">
        {activityStatuses.map((s) => <option value={s} selected={activity?.status === s}>{humanise(s)}</option>)}
      </select>
      <label for="programme">{t('activities.programme')}</label>
      <input id="programme" name="programme" value={activity?.programme ?? ''} />
      <label for="cost">{t('activities.cost')}</label>
      <input id="cost" name="cost" inputMode="decimal" value={activity?.cost ?? ''} />
      <label for="contact">{t('activities.contact')}</label>
      <input id="contact" name="contact" value={activity?.contact ?? ''} />
      <p>
        <input id="published" name="published" type="checkbox" value="yes" checked={activity?.published ?? false} />{' '}
        <label for="published">{t('activities.published')}</label>
      </p>
      <p><button type="submit">{t('activities.save')}</button></p>
    </form>
  );
}

export function activityPage(
  ctx: PageContext,
  activity: ActivityRow,
  view: ActivityView,
  enrolled: EnrolmentListing[],
  canEdit: boolean,
  themeCodes: string[],
  editParticipant?: string,
): string {
  const { t } = ctx;
  const editing = enrolled.find((e) => e.participantId === editParticipant);
  return renderPage({
    ctx,
    title: activity.title,
    children: (
      <>
        <h1>{activity.title}</h1>
        <p class="muted">{activity.code} · {humanise(activity.modality)} · {activity.startDate ?? ''} – {activity.endDate ?? ''} · {humanise(activity.status)}</p>
        <p>{activity.description}</p>
        <ActivitySections ctx={ctx} view={view} />
        <h2>{t('activities.participants')} ({enrolled.length})</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('participants.id')}</th>
              <th scope="col">{t('participants.role')}</th>
              <th scope="col">{t('participants.enrolment_status')}</th>
              <th scope="col">{t('participants.sponsor')}</th>
              <th scope="col">{t('participants.completion_date')}</th>
              {canEdit && <th scope="col"><span class="visually-hidden">{t('participants.edit_enrolment')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {enrolled.map((e) => (
              <tr>
                <td><a href={`/participants/${e.participantId}`}>{e.participantCode}</a></td>
                <td>{humanise(e.role)}</td>
                <td>{humanise(e.status)}</td>
                <td>{e.sponsor ?? ''}</td>
                <td>{e.completionDate ?? ''}</td>
                {canEdit && <td><a href={`/activities/${activity.id}?editParticipant=${e.participantId}#e-participant`}>{t('participants.edit_enrolment')}</a></td>}
              </tr>
            ))}
          </tbody>
        </table>
        {canEdit && (
          <EnrolmentForm
            ctx={ctx}
            values={editing ? enrolmentValues(editing) : { activity_code: activity.code }}
            returnTo={`/activities/${activity.id}`}
            fixed="activity_code"
          />
        )}
        {canEdit && <ActivityForm ctx={ctx} activity={activity} themeCodes={themeCodes} />}
      </>
    ),
  });
}

function ResourceForm({ ctx, resource, themeCodes }: { ctx: PageContext; resource?: ResourceWithLinks; themeCodes: string[] }) {
  const { t } = ctx;
  return (
    <form method="post" action="/resources" id="resource-form">
      <h2>{resource ? t('resources.edit') : t('resources.new')}</h2>
      <CsrfField ctx={ctx} />
      <label for="r-title">{t('activities.name')}</label>
      <input id="r-title" name="title" required value={resource?.title ?? ''} readOnly={resource !== undefined} />
      <label for="r-type">{t('resources.type')}</label>
      <select id="r-type" name="type">
        {resourceTypes.map((type) => <option value={type} selected={resource?.type === type}>{humanise(type)}</option>)}
      </select>
      <label for="r-description">{t('activities.description')}</label>
      <textarea id="r-description" name="description">{resource?.description ?? ''}</textarea>
      <label for="r-url">URL</label>
      <input id="r-url" name="url" type="url" value={resource?.url ?? ''} />
      <label for="r-languages">{t('activities.languages')}</label>
      <input id="r-languages" name="languages" value={resource?.languages.join(';') ?? ''} />
      <label for="r-licence">{t('resources.licence')}</label>
      <input id="r-licence" name="licence" value={resource?.licence ?? ''} />
      <label for="r-themes">{t('activities.themes')}</label>
      <select id="r-themes" name="themes" multiple>
        {themeCodes.map((code) => <option value={code} selected={resource?.themes.includes(code)}>{humanise(code)}</option>)}
      </select>
      <label for="r-activities">{t('resources.activities')}</label>
      <input id="r-activities" name="activities" value={resource?.activityCodes.join(';') ?? ''} />
      <p>
        <input id="r-open" name="open_access" type="checkbox" value="yes" checked={resource?.openAccess ?? true} />{' '}
        <label for="r-open" class="inline">{t('resources.open_access')}</label>
      </p>
      <p>
        <input id="r-published" name="published" type="checkbox" value="yes" checked={resource?.published ?? false} />{' '}
        <label for="r-published" class="inline">{t('activities.published')}</label>
      </p>
      <p><button type="submit">{t('activities.save')}</button></p>
    </form>
  );
}

export function resourcesPage(ctx: PageContext, list: ResourceWithLinks[], canEdit: boolean, themeCodes: string[] = [], editId?: string): string {
  const { t } = ctx;
  const editing = list.find((resource) => resource.id === editId);
  return renderPage({
    ctx,
    title: t('resources.title'),
    children: (
      <>
        <h1>{t('resources.title')}</h1>
        <p>
          {t('activities.export')}: <a href="/api/exports/resources.csv">CSV</a> · <a href="/api/exports/resources.xlsx">XLSX</a>
          {canEdit && <> · <a href="/imports?kind=resources">{t('imports.link')}</a></>}
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('activities.name')}</th>
              <th scope="col">{t('resources.type')}</th>
              <th scope="col">{t('facet.language')}</th>
              <th scope="col">{t('nav.activities')}</th>
              <th scope="col">{t('activities.published')}</th>
              {canEdit && <th scope="col"><span class="visually-hidden">{t('participants.edit_enrolment')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {list.map((resource) => (
              <tr>
                <td>{resource.url ? <a href={resource.url}>{resource.title}</a> : resource.title}</td>
                <td>{humanise(resource.type)}</td>
                <td>{resource.languages.join(', ')}</td>
                <td>{resource.activityCodes.join(', ')}</td>
                <td>{resource.published ? '✓' : ''}</td>
                {canEdit && <td><a href={`/resources?edit=${resource.id}#resource-form`}>{t('participants.edit_enrolment')}</a></td>}
              </tr>
            ))}
          </tbody>
        </table>
        {canEdit && <ResourceForm ctx={ctx} resource={editing} themeCodes={themeCodes} />}
      </>
    ),
  });
}
