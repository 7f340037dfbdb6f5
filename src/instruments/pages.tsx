// Staff pages of instruments: the list (filters, create by hand, from the standard bank or an
// XLSForm), an instrument with its versions, the draft builder (pages, questions of every type,
// bank, reorder, translate), and the responses per instrument. Plain forms that work without
// JavaScript; every string comes from messages/{en,fr,es}.json.
import type { ResponseListing } from '../responses/repository.ts';
import type { MessageKey } from '../web/i18n/index.ts';
import { CsrfField, formatDate, renderPage, type PageContext } from '../web/page.tsx';
import { bankQuestions, standardInstruments } from './bank.ts';
import { describeIssue, questionTypes, type DefinitionIssue } from './definition.ts';
import { languagesOf, missingLanguages, translatableTexts, type TranslatableText } from './editor.ts';
import {
  localise,
  purposes,
  type AnswerValue,
  type Choice,
  type InstrumentDefinition,
  type LocalText,
  type Page,
  type Purpose,
  type Question,
  type ResponseData,
} from './model.ts';
import { BLANK_ROWS, type FieldErrors } from './question-form.ts';
import type { InstrumentRow, VersionRow } from './repository.ts';

export type ListedInstrument = InstrumentRow & { latestVersion: number | null; responseCount: number };
export const instrumentStatuses = ['draft', 'published'] as const;
export type InstrumentStatus = (typeof instrumentStatuses)[number];

/** Any message key built at run time (types, purposes, parts); the key parity test covers the files. */
const tk = (ctx: PageContext, key: string, vars?: Record<string, string | number>) => ctx.t(key as MessageKey, vars);

function languageName(code: string, ctx: PageContext): string {
  try {
    return new Intl.DisplayNames([ctx.lang], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

const titleOf = (instrument: { title: LocalText; draft?: InstrumentDefinition | null }, ctx: PageContext) =>
  localise(instrument.title, ctx.lang, instrument.draft?.languages ?? []) || '';

function FieldError({ errors, name }: { errors: FieldErrors; name: string }) {
  const list = errors[name] ?? [];
  return (
    <p class="field-error" id={`err-${name}`}>
      {list.join(' ')}
    </p>
  );
}

function ErrorSummary({ ctx, problems }: { ctx: PageContext; problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <div class="error" role="alert" id="form-errors" tabindex={-1}>
      <p>{ctx.t('instruments.errors')}</p>
      <ul>
        {problems.map((problem) => (
          <li>{problem}</li>
        ))}
      </ul>
    </div>
  );
}

function InstrumentNav({ ctx, instrument, current }: { ctx: PageContext; instrument: InstrumentRow; current: 'overview' | 'draft' | 'translate' | 'responses' }) {
  const link = (key: typeof current, href: string, label: string) => (
    <li>
      <a href={href} aria-current={key === current ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <nav aria-label={ctx.t('instruments.sections')} class="sections">
      <ul>
        <li>
          <a href="/instruments">{ctx.t('instruments.title')}</a>
        </li>
        {link('overview', `/instruments/${instrument.id}`, ctx.t('instruments.overview'))}
        {link('draft', `/instruments/${instrument.id}/draft`, ctx.t('instruments.builder'))}
        {link('translate', `/instruments/${instrument.id}/draft/translate`, ctx.t('instruments.translate'))}
        {ctx.actor?.role !== 'trainer' && link('responses', `/instruments/${instrument.id}/responses`, ctx.t('instruments.list_responses'))}
      </ul>
    </nav>
  );
}

export interface ListFilter {
  purpose?: Purpose;
  status?: InstrumentStatus;
}

export function instrumentListPage(
  ctx: PageContext,
  list: ListedInstrument[],
  filter: ListFilter,
  canEdit: boolean,
  refusal?: { form: 'new' | 'standard' | 'import'; problems: string[]; notes?: string[] },
): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('instruments.title'),
    children: (
      <>
        <h1>{t('instruments.title')}</h1>
        <form method="get" action="/instruments">
          <label for="filter-purpose">{t('instruments.purpose')}</label>
          <select id="filter-purpose" name="purpose">
            <option value="">{t('instruments.any')}</option>
            {purposes.map((purpose) => (
              <option value={purpose} selected={filter.purpose === purpose}>
                {tk(ctx, `instruments.purpose.${purpose}`)}
              </option>
            ))}
          </select>{' '}
          <label for="filter-status">{t('instruments.status')}</label>
          <select id="filter-status" name="status">
            <option value="">{t('instruments.any')}</option>
            {instrumentStatuses.map((status) => (
              <option value={status} selected={filter.status === status}>
                {tk(ctx, `instruments.status.${status}`)}
              </option>
            ))}
          </select>{' '}
          <button type="submit">{t('instruments.filter')}</button>
        </form>
        {list.length === 0 ? (
          <p>{t('instruments.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('instruments.key')}</th>
                <th scope="col">{t('instruments.name')}</th>
                <th scope="col">{t('instruments.purpose')}</th>
                <th scope="col">{t('instruments.latest')}</th>
                <th scope="col">{t('instruments.draft_column')}</th>
                <th scope="col" class="num">
                  {t('instruments.responses')}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((instrument) => (
                <tr>
                  <td>
                    <a href={`/instruments/${instrument.id}`}>{instrument.key}</a>
                  </td>
                  <td>{titleOf(instrument, ctx)}</td>
                  <td>{tk(ctx, `instruments.purpose.${instrument.purpose}`)}</td>
                  <td>{instrument.latestVersion === null ? t('instruments.unpublished') : `v${instrument.latestVersion}`}</td>
                  <td>{instrument.draft ? t('instruments.has_draft') : ''}</td>
                  <td class="num">{instrument.responseCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canEdit && (
          <>
            <section aria-labelledby="new-heading">
              <h2 id="new-heading">{t('instruments.new')}</h2>
              {refusal?.form === 'new' && <ErrorSummary ctx={ctx} problems={refusal.problems} />}
              <form method="post" action="/instruments">
                <CsrfField ctx={ctx} />
                <label for="new-key">{t('instruments.key')}</label>
                <input id="new-key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_.\-]*" aria-describedby="new-key-hint" />
                <p class="muted" id="new-key-hint">
                  {t('instruments.key_hint')}
                </p>
                <label for="new-purpose">{t('instruments.purpose')}</label>
                <select id="new-purpose" name="purpose">
                  {purposes.map((purpose) => (
                    <option value={purpose}>{tk(ctx, `instruments.purpose.${purpose}`)}</option>
                  ))}
                </select>
                <fieldset>
                  <legend>{t('instruments.name')}</legend>
                  {['en', 'fr', 'es'].map((lang) => (
                    <>
                      <label for={`new-title-${lang}`}>{languageName(lang, ctx)}</label>
                      <input id={`new-title-${lang}`} name={`title.${lang}`} />
                    </>
                  ))}
                </fieldset>
                <label>
                  <input type="checkbox" name="anonymous" value="yes" /> {t('instruments.anonymous')}
                </label>
                <p>
                  <button type="submit">{t('instruments.create')}</button>
                </p>
              </form>
            </section>
            <section aria-labelledby="standard-heading">
              <h2 id="standard-heading">{t('instruments.from_bank')}</h2>
              {refusal?.form === 'standard' && <ErrorSummary ctx={ctx} problems={refusal.problems} />}
              <form method="post" action="/instruments/standard">
                <CsrfField ctx={ctx} />
                <label for="standard">{t('instruments.standard')}</label>
                <select id="standard" name="standard">
                  {Object.entries(standardInstruments).map(([key, standard]) => (
                    <option value={key}>{localise(standard.definition.title, ctx.lang)}</option>
                  ))}
                </select>
                <label for="standard-key">{t('instruments.key')}</label>
                <input id="standard-key" name="key" pattern="[A-Za-z_][A-Za-z0-9_.\-]*" aria-describedby="standard-key-hint" />
                <p class="muted" id="standard-key-hint">
                  {t('instruments.standard_key_hint')}
                </p>
                <p>
                  <button type="submit">{t('instruments.add')}</button>
                </p>
              </form>
            </section>
            <section aria-labelledby="import-heading">
              <h2 id="import-heading">{t('instruments.import')}</h2>
              {refusal?.form === 'import' && <ErrorSummary ctx={ctx} problems={refusal.problems} />}
              <form method="post" action="/instruments/import" enctype="multipart/form-data">
                <CsrfField ctx={ctx} />
                <label for="import-file">{t('instruments.file')}</label>
                <input id="import-file" name="file" type="file" accept=".xlsx,.xls" required />
                <label for="import-key">{t('instruments.key')}</label>
                <input id="import-key" name="key" pattern="[A-Za-z_][A-Za-z0-9_.\-]*" aria-describedby="import-key-hint" />
                <p class="muted" id="import-key-hint">
                  {t('instruments.import_key_hint')}
                </p>
                <label for="import-purpose">{t('instruments.purpose')}</label>
                <select id="import-purpose" name="purpose">
                  <option value="">{t('instruments.from_form')}</option>
                  {purposes.map((purpose) => (
                    <option value={purpose}>{tk(ctx, `instruments.purpose.${purpose}`)}</option>
                  ))}
                </select>
                <p>
                  <button type="submit">{t('instruments.import_submit')}</button>
                </p>
              </form>
            </section>
          </>
        )}
      </>
    ),
  });
}

export interface InstrumentPageData {
  instrument: InstrumentRow;
  versions: VersionRow[];
  counts: Array<{ versionId: string; version: number; partial: number; complete: number }>;
  canEdit: boolean;
  /** Just published (shown once after the redirect). */
  published?: number;
  /** The draft cannot be published: its problems. */
  problems?: string[];
  notes?: string[];
}

export function instrumentPage(ctx: PageContext, data: InstrumentPageData): string {
  const { t } = ctx;
  const { instrument, versions, canEdit } = data;
  const latest = versions[0];
  const title = titleOf(instrument, ctx);
  const countOf = (versionId: string) => data.counts.find((c) => c.versionId === versionId) ?? { partial: 0, complete: 0 };
  return renderPage({
    ctx,
    title: `${instrument.key} · ${t('instruments.title')}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="overview" />
        <h1>
          {title} <span class="muted">({instrument.key})</span>
        </h1>
        {data.published !== undefined && (
          <p class="notice" role="status">
            {t('instruments.published_now', { version: data.published })}
          </p>
        )}
        {data.notes && data.notes.length > 0 && (
          <div class="notice">
            <p>{t('instruments.import_notes')}</p>
            <ul>
              {data.notes.map((note) => (
                <li>{note}</li>
              ))}
            </ul>
          </div>
        )}
        <ErrorSummary ctx={ctx} problems={data.problems ?? []} />
        <dl>
          <dt>{t('instruments.purpose')}</dt>
          <dd>{tk(ctx, `instruments.purpose.${instrument.purpose}`)}</dd>
          <dt>{t('instruments.anonymous')}</dt>
          <dd>{instrument.anonymous ? t('instruments.yes') : t('instruments.no')}</dd>
        </dl>
        <h2>{t('instruments.draft')}</h2>
        {instrument.draft ? (
          <>
            <p>{t('instruments.draft_pending', { version: (latest?.version ?? 0) + 1 })}</p>
            <p>
              <a href={`/instruments/${instrument.id}/draft`}>{canEdit ? t('instruments.edit_draft') : t('instruments.view_draft')}</a> ·{' '}
              <a href={`/instruments/${instrument.id}/preview`}>{t('instruments.preview_draft')}</a> ·{' '}
              <a href={`/instruments/${instrument.id}/xlsform?draft=1`}>{t('instruments.export')}</a>
            </p>
            {canEdit && (
              <>
                <form method="post" action={`/instruments/${instrument.id}/publish`}>
                  <CsrfField ctx={ctx} />
                  <p class="muted">{t('instruments.publish_note')}</p>
                  <button type="submit">{t('instruments.publish')}</button>
                </form>
                {latest && (
                  <form method="post" action={`/instruments/${instrument.id}/draft/discard`}>
                    <CsrfField ctx={ctx} />
                    <p>
                      <button type="submit" class="secondary">
                        {t('instruments.discard_draft')}
                      </button>
                    </p>
                  </form>
                )}
              </>
            )}
          </>
        ) : (
          <p>
            {t('instruments.no_draft')}{' '}
            {canEdit && <a href={`/instruments/${instrument.id}/draft`}>{t('instruments.start_draft', { version: (latest?.version ?? 0) + 1 })}</a>}
          </p>
        )}
        <h2>{t('instruments.versions')}</h2>
        {versions.length === 0 ? (
          <p>{t('instruments.no_versions')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('instruments.version')}</th>
                <th scope="col">{t('instruments.published_at')}</th>
                <th scope="col" class="num">
                  {t('instruments.partial')}
                </th>
                <th scope="col" class="num">
                  {t('instruments.complete')}
                </th>
                <th scope="col">{t('instruments.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((version) => (
                <tr>
                  <td>v{version.version}</td>
                  <td>{formatDate(version.publishedAt, ctx)}</td>
                  <td class="num">{countOf(version.id).partial}</td>
                  <td class="num">{countOf(version.id).complete}</td>
                  <td>
                    <a href={`/instruments/${instrument.id}/preview?version=${version.id}`}>{t('instruments.preview_version', { version: version.version })}</a> ·{' '}
                    <a href={`/instruments/${instrument.id}/xlsform?versionId=${version.id}`}>{t('instruments.export_version', { version: version.version })}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {ctx.actor?.role !== 'trainer' && (
          <p>
            <a href={`/instruments/${instrument.id}/responses`}>{t('instruments.list_responses')}</a>
          </p>
        )}
      </>
    ),
  });
}

export interface BuilderData {
  instrument: InstrumentRow;
  definition: InstrumentDefinition;
  /** The number the draft will get when published. */
  nextVersion: number;
  /** True when no draft is saved yet: the page shows a copy of the latest version. */
  fromVersion: boolean;
  canEdit: boolean;
  problems?: string[];
}

function questionSummary(question: Question, ctx: PageContext, definition: InstrumentDefinition): string {
  return localise(question.label, ctx.lang, definition.languages);
}

function PostButton({ ctx, action, fields, label, name, secondary }: { ctx: PageContext; action: string; fields: Record<string, string>; label: string; name: string; secondary?: boolean }) {
  return (
    <form method="post" action={action} class="inline">
      <CsrfField ctx={ctx} />
      {Object.entries(fields).map(([key, value]) => (
        <input type="hidden" name={key} value={value} />
      ))}
      <button type="submit" class={secondary ? 'secondary' : undefined} aria-label={name}>
        {label}
      </button>
    </form>
  );
}

export function builderPage(ctx: PageContext, data: BuilderData): string {
  const { t } = ctx;
  const { instrument, definition, canEdit } = data;
  const base = `/instruments/${instrument.id}/draft`;
  const used = new Set(definition.pages.flatMap((p) => p.questions.map((q) => q.key)));
  const missingCount = translatableTexts(definition).filter((text) => missingLanguages(text.text, definition.languages).length > 0).length;
  return renderPage({
    ctx,
    title: `${t('instruments.builder')} · ${instrument.key}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="draft" />
        <h1>
          {t('instruments.builder_title', { version: data.nextVersion })} <span class="muted">({instrument.key})</span>
        </h1>
        {data.fromVersion && <p class="notice">{t('instruments.from_version_note', { version: data.nextVersion - 1, next: data.nextVersion })}</p>}
        <ErrorSummary ctx={ctx} problems={data.problems ?? []} />
        <p>
          <a href={`/instruments/${instrument.id}/preview`}>{t('instruments.preview_draft')}</a> ·{' '}
          <a href={`${base}/translate`}>{t('instruments.translate')}</a>
          {missingCount > 0 && <span class="field-error"> {t('instruments.missing_count', { count: missingCount })}</span>}
        </p>
        <p class="muted">
          {t('instruments.languages')}: {definition.languages.map((lang) => languageName(lang, ctx)).join(', ')}
        </p>
        {definition.pages.map((page, pageIndex) => (
          <section class="builder-page" aria-labelledby={`page-${pageIndex}`}>
            <h2 id={`page-${pageIndex}`}>
              {localise(page.label, ctx.lang, definition.languages)} <span class="muted">({page.key} · {tk(ctx, `instruments.kind.${page.kind}`)})</span>
            </h2>
            {page.relevant && (
              <p class="muted">
                {t('instruments.relevant')}: <code>{page.relevant}</code>
              </p>
            )}
            {canEdit && (
              <p>
                <a href={`${base}/pages/${encodeURIComponent(page.key)}`}>{t('instruments.edit_page', { page: page.key })}</a>{' '}
                <PostButton ctx={ctx} action={`${base}/pages/move`} fields={{ page: page.key, direction: 'up' }} label={t('instruments.up')} name={t('instruments.move_page_up', { page: page.key })} secondary />{' '}
                <PostButton ctx={ctx} action={`${base}/pages/move`} fields={{ page: page.key, direction: 'down' }} label={t('instruments.down')} name={t('instruments.move_page_down', { page: page.key })} secondary />{' '}
                <PostButton ctx={ctx} action={`${base}/pages/remove`} fields={{ page: page.key }} label={t('instruments.remove')} name={t('instruments.remove_page', { page: page.key })} secondary />
              </p>
            )}
            {page.questions.length === 0 ? (
              <p class="muted">{t('instruments.no_questions')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('instruments.key')}</th>
                    <th scope="col">{t('instruments.type')}</th>
                    <th scope="col">{t('instruments.question')}</th>
                    <th scope="col">{t('instruments.rules')}</th>
                    {canEdit && <th scope="col">{t('instruments.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {page.questions.map((question) => (
                    <tr data-question={question.key}>
                      <td>
                        <code>{question.key}</code>
                        {bankQuestions[question.key] && <span class="muted"> · {t('instruments.bank_mark')}</span>}
                      </td>
                      <td>{tk(ctx, `instruments.type.${question.type}`)}</td>
                      <td>{questionSummary(question, ctx, definition)}</td>
                      <td class="muted">
                        {[
                          question.required ? t('instruments.required') : '',
                          question.relevant ? `${t('instruments.relevant')}: ${question.relevant}` : '',
                          question.constraint ? `${t('instruments.constraint')}: ${question.constraint}` : '',
                          question.type === 'calculate' ? `= ${question.calculation}` : '',
                        ]
                          .filter((s) => s !== '')
                          .join(' · ')}
                      </td>
                      {canEdit && (
                        <td>
                          <a href={`${base}/questions/${encodeURIComponent(question.key)}`} aria-label={t('instruments.edit_question', { key: question.key })}>
                            {t('instruments.edit')}
                          </a>{' '}
                          <PostButton ctx={ctx} action={`${base}/move`} fields={{ key: question.key, direction: 'up' }} label={t('instruments.up')} name={t('instruments.move_up', { key: question.key })} secondary />{' '}
                          <PostButton ctx={ctx} action={`${base}/move`} fields={{ key: question.key, direction: 'down' }} label={t('instruments.down')} name={t('instruments.move_down', { key: question.key })} secondary />{' '}
                          <PostButton ctx={ctx} action={`${base}/remove`} fields={{ key: question.key }} label={t('instruments.remove')} name={t('instruments.remove_question', { key: question.key })} secondary />
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        ))}
        {canEdit && (
          <>
            <section aria-labelledby="add-question-heading">
              <h2 id="add-question-heading">{t('instruments.add_question')}</h2>
              <form method="get" action={`${base}/questions/new`}>
                <label for="add-type">{t('instruments.type')}</label>
                <select id="add-type" name="type">
                  {questionTypes.map((type) => (
                    <option value={type}>{tk(ctx, `instruments.type.${type}`)}</option>
                  ))}
                </select>{' '}
                <label for="add-page">{t('instruments.on_page')}</label>
                <select id="add-page" name="page">
                  {definition.pages.map((page) => (
                    <option value={page.key}>{localise(page.label, ctx.lang, definition.languages) || page.key}</option>
                  ))}
                </select>{' '}
                <p>
                  <button type="submit">{t('instruments.add_question_go')}</button>
                </p>
              </form>
            </section>
            <section aria-labelledby="bank-heading">
              <h2 id="bank-heading">{t('instruments.pick_bank')}</h2>
              <form method="post" action={`${base}/bank`}>
                <CsrfField ctx={ctx} />
                <fieldset>
                  <legend>{t('instruments.bank_questions')}</legend>
                  {Object.values(bankQuestions).map((question) => (
                    <label class="choice">
                      <input type="checkbox" name="bank" value={question.key} disabled={used.has(question.key)} /> <code>{question.key}</code> —{' '}
                      {localise(question.label, ctx.lang)} {used.has(question.key) && <span class="muted">({t('instruments.already_used')})</span>}
                    </label>
                  ))}
                </fieldset>
                <label for="bank-page">{t('instruments.on_page')}</label>
                <select id="bank-page" name="page">
                  {definition.pages.map((page) => (
                    <option value={page.key}>{localise(page.label, ctx.lang, definition.languages) || page.key}</option>
                  ))}
                </select>
                <p>
                  <button type="submit">{t('instruments.add_from_bank')}</button>
                </p>
              </form>
            </section>
            <section aria-labelledby="add-page-heading">
              <h2 id="add-page-heading">{t('instruments.add_page')}</h2>
              <PageFields ctx={ctx} definition={definition} action={`${base}/pages`} errors={{}} submit={t('instruments.add_page')} />
            </section>
          </>
        )}
      </>
    ),
  });
}

/** One text in every language side by side; a language of the instrument left empty while another has text is flagged. */
function TextRow({ ctx, name, label, text, languages, flagged, errors }: {
  ctx: PageContext;
  name: string;
  label: string;
  text: LocalText | undefined;
  languages: string[];
  flagged: string[];
  errors?: FieldErrors;
}) {
  const anyText = Object.values(text ?? {}).some((v) => v.trim() !== '');
  return (
    <tr>
      <th scope="row">
        {label}
        {errors && <FieldError errors={errors} name={name} />}
      </th>
      {languages.map((lang) => {
        const value = text?.[lang] ?? '';
        const missing = anyText && value === '' && flagged.includes(lang);
        return (
          <td class={missing ? 'missing' : undefined}>
            <input name={`${name}.${lang}`} value={value} lang={lang} aria-label={`${label} (${languageName(lang, ctx)})`} aria-describedby={missing ? `missing-${name}-${lang}` : undefined} />
            {missing && (
              <span class="field-error" id={`missing-${name}-${lang}`}>
                {ctx.t('instruments.missing')}
              </span>
            )}
          </td>
        );
      })}
    </tr>
  );
}

function LanguageHead({ ctx, languages, first }: { ctx: PageContext; languages: string[]; first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {languages.map((lang) => (
          <th scope="col" lang={ctx.lang}>
            {languageName(lang, ctx)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function PageFields({ ctx, definition, action, page, errors, submit }: { ctx: PageContext; definition: InstrumentDefinition; action: string; page?: Page; errors: FieldErrors; submit: string }) {
  const { t } = ctx;
  const languages = languagesOf(definition);
  const id = page ? 'page' : 'newpage';
  return (
    <form method="post" action={action}>
      <CsrfField ctx={ctx} />
      <label for={`${id}-key`}>{t('instruments.key')}</label>
      <input id={`${id}-key`} name="key" value={page?.key ?? ''} required aria-describedby={`err-key`} />
      <FieldError errors={errors} name="key" />
      <label for={`${id}-kind`}>{t('instruments.page_kind')}</label>
      <select id={`${id}-kind`} name="kind">
        {(['group', 'repeat', 'resource_person_repeat'] as const).map((kind) => (
          <option value={kind} selected={page?.kind === kind}>
            {tk(ctx, `instruments.kind.${kind}`)}
          </option>
        ))}
      </select>
      <table>
        <LanguageHead ctx={ctx} languages={languages} first={t('instruments.text')} />
        <tbody>
          <TextRow ctx={ctx} name="label" label={t('instruments.page_label')} text={page?.label} languages={languages} flagged={definition.languages} errors={errors} />
        </tbody>
      </table>
      <label for={`${id}-relevant`}>{t('instruments.relevant')}</label>
      <input id={`${id}-relevant`} name="relevant" value={page?.relevant ?? ''} class="wide" aria-describedby="err-relevant" />
      <label for={`${id}-count`}>{t('instruments.repeat_count')}</label>
      <input id={`${id}-count`} name="count" value={page?.kind === 'repeat' ? (page.count ?? '') : ''} class="wide" aria-describedby={`${id}-count-hint err-count`} />
      <p class="hint muted" id={`${id}-count-hint`}>
        {t('instruments.repeat_count_hint')}
      </p>
      <FieldError errors={errors} name="count" />
      <FieldError errors={errors} name="relevant" />
      <p>
        <button type="submit">{submit}</button>
      </p>
    </form>
  );
}

export function pageEditorPage(ctx: PageContext, instrument: InstrumentRow, definition: InstrumentDefinition, page: Page, errors: FieldErrors, problems: string[]): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: `${t('instruments.edit_page', { page: page.key })} · ${instrument.key}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="draft" />
        <h1>{t('instruments.edit_page', { page: page.key })}</h1>
        <ErrorSummary ctx={ctx} problems={problems} />
        <PageFields ctx={ctx} definition={definition} action={`/instruments/${instrument.id}/draft/pages/${encodeURIComponent(page.key)}`} page={page} errors={errors} submit={t('instruments.save')} />
        <p>
          <a href={`/instruments/${instrument.id}/draft`}>{t('instruments.back_to_builder')}</a>
        </p>
      </>
    ),
  });
}

export interface QuestionEditorData {
  instrument: InstrumentRow;
  definition: InstrumentDefinition;
  question: Question;
  /** Set when adding: the page the question goes on. */
  newOnPage?: string;
  errors: FieldErrors;
  problems: string[];
}

/** Field errors of `question` from definition issues (located by question key). */
export function fieldErrorsOf(issues: DefinitionIssue[], questionKey: string): { errors: FieldErrors; others: string[] } {
  const errors: FieldErrors = {};
  const others: string[] = [];
  for (const issue of issues) {
    if (issue.questionKey === questionKey) (errors[issue.field] ??= []).push(issue.message);
    else others.push(describeIssue(issue));
  }
  return { errors, others };
}

export function questionEditorPage(ctx: PageContext, data: QuestionEditorData): string {
  const { t } = ctx;
  const { instrument, definition, question, errors } = data;
  const languages = languagesOf(definition);
  const flagged = definition.languages;
  const base = `/instruments/${instrument.id}/draft`;
  const action = data.newOnPage ? `${base}/questions/new?type=${question.type}&page=${encodeURIComponent(data.newOnPage)}` : `${base}/questions/${encodeURIComponent(question.key)}`;
  const heading = data.newOnPage ? t('instruments.new_question', { type: tk(ctx, `instruments.type.${question.type}`) }) : t('instruments.edit_question', { key: question.key });
  const hasChoices = 'choices' in question;
  const choices: Choice[] = hasChoices ? question.choices : [];
  const rows = question.type === 'matrix' ? question.rows : [];
  const answerable = question.type !== 'note' && question.type !== 'calculate';
  const allErrors = [...Object.values(errors).flat(), ...data.problems];
  return renderPage({
    ctx,
    title: `${heading} · ${instrument.key}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="draft" />
        <h1>{heading}</h1>
        <ErrorSummary ctx={ctx} problems={allErrors} />
        <form method="post" action={action} class="question-editor">
          <CsrfField ctx={ctx} />
          <p class="muted">
            {t('instruments.type')}: {tk(ctx, `instruments.type.${question.type}`)}
          </p>
          <label for="q-key">{t('instruments.key')}</label>
          <input id="q-key" name="key" value={question.key} required aria-describedby="q-key-hint err-key" />
          <p class="muted" id="q-key-hint">
            {t('instruments.question_key_hint')}
          </p>
          <FieldError errors={errors} name="key" />
          <h2>{t('instruments.texts')}</h2>
          <table class="translations">
            <LanguageHead ctx={ctx} languages={languages} first={t('instruments.text')} />
            <tbody>
              <TextRow ctx={ctx} name="label" label={tk(ctx, question.type === 'note' ? 'instruments.part.note' : 'instruments.part.label')} text={question.label} languages={languages} flagged={flagged} errors={errors} />
              <TextRow ctx={ctx} name="hint" label={t('instruments.part.hint')} text={question.hint} languages={languages} flagged={flagged} />
              {answerable && <TextRow ctx={ctx} name="constraintMessage" label={t('instruments.part.constraint_message')} text={question.constraintMessage} languages={languages} flagged={flagged} />}
            </tbody>
          </table>
          {hasChoices && (
            <>
              <h2>{t('instruments.choices')}</h2>
              <p class="muted">{t('instruments.choices_hint')}</p>
              <FieldError errors={errors} name="choices" />
              <FieldError errors={errors} name="correct" />
              <table class="translations">
                <thead>
                  <tr>
                    <th scope="col">{t('instruments.order')}</th>
                    <th scope="col">{t('instruments.code')}</th>
                    {languages.map((lang) => (
                      <th scope="col">{languageName(lang, ctx)}</th>
                    ))}
                    {question.type === 'knowledge' && <th scope="col">{t('instruments.correct')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {[...choices, ...Array.from({ length: BLANK_ROWS }, () => undefined)].map((choice, i) => {
                    const anyText = choice !== undefined;
                    return (
                      <tr>
                        <td>
                          <input name={`choice.${i}.order`} value={String(i + 1)} size={3} inputmode="numeric" aria-label={t('instruments.choice_order', { n: i + 1 })} />
                        </td>
                        <td>
                          <input name={`choice.${i}.code`} value={choice?.code ?? ''} aria-label={t('instruments.choice_code', { n: i + 1 })} />
                        </td>
                        {languages.map((lang) => {
                          const value = choice?.label[lang] ?? '';
                          const missing = anyText && value === '' && flagged.includes(lang);
                          return (
                            <td class={missing ? 'missing' : undefined}>
                              <input name={`choice.${i}.label.${lang}`} value={value} lang={lang} aria-label={t('instruments.choice_label', { n: i + 1, language: languageName(lang, ctx) })} />
                              {missing && <span class="field-error">{t('instruments.missing')}</span>}
                            </td>
                          );
                        })}
                        {question.type === 'knowledge' && (
                          <td>
                            <input type="checkbox" name={`choice.${i}.correct`} value="yes" checked={choice !== undefined && question.correct.includes(choice.code)} aria-label={t('instruments.choice_correct', { n: i + 1 })} />
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )}
          {question.type === 'matrix' && (
            <>
              <h2>{t('instruments.rows')}</h2>
              <FieldError errors={errors} name="rows" />
              <table class="translations">
                <thead>
                  <tr>
                    <th scope="col">{t('instruments.order')}</th>
                    <th scope="col">{t('instruments.key')}</th>
                    {languages.map((lang) => (
                      <th scope="col">{languageName(lang, ctx)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[...rows, ...Array.from({ length: BLANK_ROWS }, () => undefined)].map((row, i) => (
                    <tr>
                      <td>
                        <input name={`row.${i}.order`} value={String(i + 1)} size={3} inputmode="numeric" aria-label={t('instruments.row_order', { n: i + 1 })} />
                      </td>
                      <td>
                        <input name={`row.${i}.key`} value={row?.key ?? ''} aria-label={t('instruments.row_key', { n: i + 1 })} />
                      </td>
                      {languages.map((lang) => {
                        const value = row?.label[lang] ?? '';
                        const missing = row !== undefined && value === '' && flagged.includes(lang);
                        return (
                          <td class={missing ? 'missing' : undefined}>
                            <input name={`row.${i}.label.${lang}`} value={value} lang={lang} aria-label={t('instruments.row_label', { n: i + 1, language: languageName(lang, ctx) })} />
                            {missing && <span class="field-error">{t('instruments.missing')}</span>}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <h2>{t('instruments.rules')}</h2>
          {question.type === 'knowledge' && (
            <>
              <label>
                <input type="checkbox" name="multiple" value="yes" checked={question.multiple} /> {t('instruments.multiple_answers')}
              </label>
              <label for="q-points">{t('instruments.points')}</label>
              <input id="q-points" name="points" value={String(question.points)} inputmode="decimal" aria-describedby="err-points" />
              <FieldError errors={errors} name="points" />
            </>
          )}
          {question.type === 'rating' && (
            <>
              <label for="q-max">{t('instruments.rating_max')}</label>
              <select id="q-max" name="max" aria-describedby="err-max">
                <option value="5" selected={question.max === 5}>1–5</option>
                <option value="10" selected={question.max === 10}>1–10</option>
              </select>
              <FieldError errors={errors} name="max" />
            </>
          )}
          {(question.type === 'integer' || question.type === 'decimal') && (
            <>
              <label for="q-min">{t('instruments.minimum')}</label>
              <input id="q-min" name="min" value={question.min === undefined ? '' : String(question.min)} inputmode="decimal" aria-describedby="err-min" />
              <FieldError errors={errors} name="min" />
              <label for="q-max">{t('instruments.maximum')}</label>
              <input id="q-max" name="max" value={question.max === undefined ? '' : String(question.max)} inputmode="decimal" aria-describedby="err-max" />
              <FieldError errors={errors} name="max" />
            </>
          )}
          {question.type === 'text' && (
            <label>
              <input type="checkbox" name="long" value="yes" checked={question.long} /> {t('instruments.long_text')}
            </label>
          )}
          {question.type === 'calculate' && (
            <>
              <label for="q-calculation">{t('instruments.calculation')}</label>
              <input id="q-calculation" name="calculation" value={question.calculation} class="wide" aria-describedby="err-calculation" />
              <FieldError errors={errors} name="calculation" />
            </>
          )}
          {answerable && (
            <label>
              <input type="checkbox" name="required" value="yes" checked={question.required === true} /> {t('instruments.required')}
            </label>
          )}
          <label for="q-relevant">{t('instruments.relevant')}</label>
          <input id="q-relevant" name="relevant" value={question.relevant ?? ''} class="wide" aria-describedby="q-relevant-hint err-relevant" />
          <p class="muted" id="q-relevant-hint">
            {t('instruments.relevant_hint')}
          </p>
          <FieldError errors={errors} name="relevant" />
          {answerable && (
            <>
              <label for="q-constraint">{t('instruments.constraint')}</label>
              <input id="q-constraint" name="constraint" value={question.constraint ?? ''} class="wide" aria-describedby="q-constraint-hint err-constraint" />
              <p class="muted" id="q-constraint-hint">
                {t('instruments.constraint_hint')}
              </p>
              <FieldError errors={errors} name="constraint" />
              <label for="q-default">{t('instruments.default')}</label>
              <input id="q-default" name="default" value={question.default ?? ''} />
            </>
          )}
          <p>
            <button type="submit">{t('instruments.save')}</button> <a href={base}>{t('instruments.back_to_builder')}</a>
          </p>
        </form>
      </>
    ),
  });
}

export function translatePage(ctx: PageContext, instrument: InstrumentRow, definition: InstrumentDefinition, canEdit: boolean, saved: boolean): string {
  const { t } = ctx;
  const languages = languagesOf(definition);
  const texts = translatableTexts(definition);
  const missing = texts.filter((text) => missingLanguages(text.text, definition.languages).length > 0);
  const partLabel = (text: TranslatableText) => `${tk(ctx, `instruments.part.${text.part}`)}: ${text.owner}`;
  return renderPage({
    ctx,
    title: `${t('instruments.translate')} · ${instrument.key}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="translate" />
        <h1>{t('instruments.translate')}</h1>
        {saved && (
          <p class="notice" role="status">
            {t('instruments.translations_saved')}
          </p>
        )}
        <p class={missing.length > 0 ? 'field-error' : 'muted'} id="missing-summary">
          {missing.length > 0 ? t('instruments.missing_count', { count: missing.length }) : t('instruments.all_translated')}
        </p>
        <form method="post" action={`/instruments/${instrument.id}/draft/translate`}>
          <CsrfField ctx={ctx} />
          <table class="translations">
            <thead>
              <tr>
                <th scope="col">{t('instruments.text')}</th>
                {languages.map((lang) => (
                  <th scope="col">{languageName(lang, ctx)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {texts.map((text) => {
                const lacking = missingLanguages(text.text, definition.languages);
                return (
                  <tr data-path={text.path}>
                    <th scope="row">{partLabel(text)}</th>
                    {languages.map((lang) => {
                      const flag = lacking.includes(lang);
                      return (
                        <td class={flag ? 'missing' : undefined}>
                          <textarea name={`t.${text.path}.${lang}`} lang={lang} rows={2} readonly={!canEdit} aria-label={`${partLabel(text)} (${languageName(lang, ctx)})`}>
                            {text.text[lang] ?? ''}
                          </textarea>
                          {flag && <span class="field-error">{t('instruments.missing')}</span>}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {canEdit && <button type="submit">{t('instruments.save_translations')}</button>}
        </form>
      </>
    ),
  });
}

// --- Responses ---------------------------------------------------------------------------------

export interface ResponsesPageData {
  instrument: InstrumentRow;
  counts: Array<{ versionId: string; version: number; partial: number; complete: number }>;
  listing: { total: number; items: ResponseListing[] };
  page: number;
  pageSize: number;
  status?: 'partial' | 'complete';
}

export function responsesPage(ctx: PageContext, data: ResponsesPageData): string {
  const { t } = ctx;
  const { instrument, listing } = data;
  const lastPage = Math.max(1, Math.ceil(listing.total / data.pageSize));
  const url = (page: number) => `/instruments/${instrument.id}/responses?page=${page}${data.status ? `&status=${data.status}` : ''}`;
  const totals = data.counts.reduce((sum, c) => ({ partial: sum.partial + c.partial, complete: sum.complete + c.complete }), { partial: 0, complete: 0 });
  return renderPage({
    ctx,
    title: `${t('instruments.list_responses')} · ${instrument.key}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="responses" />
        <h1>
          {t('instruments.list_responses')} <span class="muted">({instrument.key})</span>
        </h1>
        <table id="counts">
          <caption>{t('instruments.counts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('instruments.version')}</th>
              <th scope="col" class="num">
                {t('instruments.partial')}
              </th>
              <th scope="col" class="num">
                {t('instruments.complete')}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.counts.map((count) => (
              <tr data-version={String(count.version)}>
                <th scope="row">v{count.version}</th>
                <td class="num">{count.partial}</td>
                <td class="num">{count.complete}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('instruments.total')}</th>
              <td class="num">{totals.partial}</td>
              <td class="num">{totals.complete}</td>
            </tr>
          </tbody>
        </table>
        <p>
          <a href={`/instruments/${instrument.id}/responses.csv`}>{t('instruments.export_csv')}</a>
        </p>
        <form method="get" action={`/instruments/${instrument.id}/responses`}>
          <label for="status">{t('instruments.status')}</label>
          <select id="status" name="status">
            <option value="">{t('instruments.any')}</option>
            {(['partial', 'complete'] as const).map((status) => (
              <option value={status} selected={data.status === status}>
                {tk(ctx, `instruments.${status}`)}
              </option>
            ))}
          </select>{' '}
          <button type="submit">{t('instruments.filter')}</button>
        </form>
        <p>{t('instruments.showing', { from: listing.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1, to: (data.page - 1) * data.pageSize + listing.items.length, total: listing.total })}</p>
        <table id="responses">
          <thead>
            <tr>
              <th scope="col">{t('instruments.started')}</th>
              <th scope="col">{t('instruments.submitted')}</th>
              <th scope="col">{t('instruments.version')}</th>
              <th scope="col">{t('instruments.status')}</th>
              <th scope="col">{t('instruments.answer_language')}</th>
              <th scope="col" class="num">
                {t('instruments.score')}
              </th>
            </tr>
          </thead>
          <tbody>
            {listing.items.map((item) => (
              <tr>
                <td>
                  <a href={`/instruments/${instrument.id}/responses/${item.id}`}>{formatDate(item.startedAt, ctx)}</a>
                </td>
                <td>{item.submittedAt ? formatDate(item.submittedAt, ctx) : ''}</td>
                <td>v{item.version}</td>
                <td>{tk(ctx, `instruments.${item.status}`)}</td>
                <td>{item.lang ? languageName(item.lang, ctx) : ''}</td>
                <td class="num">{item.score === null ? '' : `${item.score} / ${item.maxScore}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav aria-label={t('instruments.pages_nav')}>
          {data.page > 1 && (
            <a href={url(data.page - 1)} rel="prev">
              {t('instruments.previous')}
            </a>
          )}{' '}
          <span>{t('instruments.page_of', { page: data.page, pages: lastPage })}</span>{' '}
          {data.page < lastPage && (
            <a href={url(data.page + 1)} rel="next">
              {t('instruments.next')}
            </a>
          )}
        </nav>
      </>
    ),
  });
}

/** A stored value as people read it: choice labels (with their codes), numbers, text. */
export function describeAnswer(question: Question, value: AnswerValue | undefined, lang: string, languages: string[]): string {
  if (value === undefined) return '';
  if ('choices' in question) {
    const label = (code: string) => {
      const choice = question.choices.find((c) => c.code === code);
      return choice ? `${localise(choice.label, lang, languages)} (${code})` : code;
    };
    return [value].flat().map((code) => label(String(code))).join('; ');
  }
  return String(value);
}

export interface AnswerLine {
  label: string;
  key: string;
  value: string;
}

/** Every answer of a response, labelled by question (and row, and resource person), in form order. */
export function answerLines(definition: InstrumentDefinition, data: ResponseData, lang: string, personLabel: (n: number) => string): AnswerLine[] {
  const lines: AnswerLine[] = [];
  const emit = (questions: Question[], answers: ResponseData['answers'], prefix: string) => {
    for (const question of questions) {
      if (question.type === 'note') continue;
      const label = `${prefix}${localise(question.label, lang, definition.languages)}`;
      if (question.type === 'matrix') {
        for (const row of question.rows) {
          const key = `${question.key}/${row.key}`;
          lines.push({ key, label: `${label}: ${localise(row.label, lang, definition.languages)}`, value: describeAnswer(question, answers[key], lang, definition.languages) });
        }
      } else lines.push({ key: question.key, label, value: describeAnswer(question, answers[question.key], lang, definition.languages) });
    }
  };
  for (const page of definition.pages) {
    if (page.kind === 'group') emit(page.questions, data.answers, '');
    else if (page.kind === 'repeat') {
      const label = localise(page.label, lang, definition.languages);
      (data.repeats?.[page.key] ?? []).forEach((item, index) => emit(page.questions, item.answers, `${label} ${index + 1} · `));
    } else (data.repeats?.[page.key] ?? []).forEach((item, index) => emit(page.questions, item.answers, `${personLabel(index + 1)} · `));
  }
  return lines;
}

export function responsePage(
  ctx: PageContext,
  instrument: InstrumentRow,
  response: { id: string; status: string; startedAt: Date; submittedAt: Date | null; lang: string | null; score: number | null; maxScore: number | null; data: ResponseData },
  version: VersionRow,
): string {
  const { t } = ctx;
  const lines = answerLines(version.definition, response.data, ctx.lang, (n) => t('instruments.resource_person_n', { n }));
  return renderPage({
    ctx,
    title: `${t('instruments.response')} · ${instrument.key}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="responses" />
        <h1>{t('instruments.response')}</h1>
        <dl>
          <dt>{t('instruments.version')}</dt>
          <dd>v{version.version}</dd>
          <dt>{t('instruments.status')}</dt>
          <dd>{tk(ctx, `instruments.${response.status}`)}</dd>
          <dt>{t('instruments.started')}</dt>
          <dd>{formatDate(response.startedAt, ctx)}</dd>
          <dt>{t('instruments.submitted')}</dt>
          <dd>{response.submittedAt ? formatDate(response.submittedAt, ctx) : '—'}</dd>
          {response.score !== null && (
            <>
              <dt>{t('instruments.score')}</dt>
              <dd>
                {response.score} / {response.maxScore}
              </dd>
            </>
          )}
        </dl>
        <AnswerTable ctx={ctx} lines={lines} />
        <p>
          <a href={`/instruments/${instrument.id}/responses`}>{t('instruments.list_responses')}</a>
        </p>
      </>
    ),
  });
}

function AnswerTable({ ctx, lines }: { ctx: PageContext; lines: AnswerLine[] }) {
  return (
    <table id="answers">
      <thead>
        <tr>
          <th scope="col">{ctx.t('instruments.question')}</th>
          <th scope="col">{ctx.t('instruments.answer')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr data-key={line.key}>
            <th scope="row">{line.label}</th>
            <td>{line.value === '' ? <span class="muted">{ctx.t('instruments.no_answer')}</span> : line.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The end of a preview: what would have been stored, shown and then forgotten. */
export function previewDonePage(ctx: PageContext, instrument: InstrumentRow, definition: InstrumentDefinition, data: ResponseData, restart: string): string {
  const { t } = ctx;
  const lines = answerLines(definition, data, ctx.lang, (n) => t('instruments.preview_person', { n }));
  return renderPage({
    ctx,
    title: `${t('instruments.preview_done')} · ${instrument.key}`,
    children: (
      <>
        <InstrumentNav ctx={ctx} instrument={instrument} current="draft" />
        <h1>{t('instruments.preview_done')}</h1>
        <p class="notice" role="status">
          {t('instruments.preview_nothing_stored')}
        </p>
        <AnswerTable ctx={ctx} lines={lines} />
        <p>
          <a href={restart}>{t('instruments.preview_again')}</a>
        </p>
      </>
    ),
  });
}

