// Server-rendered pages of evaluations: list, guided entry form, an evaluation's dossier, the
// follow-up dashboard and the lessons library (staff and public). Plain forms: no JavaScript.
import type { ComponentChildren } from 'preact';
import { CsrfField, renderPage, withQuery, type PageContext } from '../web/page.tsx';
import type { IndicatorResult } from './indicator-results.ts';
import type { EvaluationRow, LessonFacets } from './repository.ts';
import {
  actionStatuses,
  contentLanguages,
  dataSourceMethods,
  defaultCriteria,
  defaultLevels,
  evaluationKinds,
  evaluationModes,
  lessonKinds,
  priorities,
  responseDecisions,
  type ActionStatus,
} from './schema.ts';
import type { EvaluationDossier, FollowUpDashboard, LessonSearchResult } from './service.ts';
import {
  canDeletePages,
  entryLabel,
  FindingEditForm,
  FindingForms,
  LessonActions,
  LessonAddForm,
  QuestionForm,
  RecordForms,
  RemoveButton,
  SampleForm,
} from './record-forms.tsx';
import type { Vocabulary } from './service.ts';
import { GUIDED_LESSON_ROWS, GUIDED_PRACTICE_ROWS, GUIDED_RECOMMENDATION_ROWS, type GuidedFormValues } from './guided-form.ts';

const canWrite = (ctx: PageContext) => ctx.actor?.role === 'administrator' || ctx.actor?.role === 'evaluator';

function Field(props: { id: string; label: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <span class="muted hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.children}
    </div>
  );
}

function SubNav({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <nav aria-label={t('eval.subnav')} class="subnav">
      <ul>
        <li>
          <a href="/evaluations">{t('eval.list.title')}</a>
        </li>
        <li>
          <a href="/follow-up">{t('eval.followup.title')}</a>
        </li>
        <li>
          <a href="/lessons">{t('eval.lessons.title')}</a>
        </li>
        <li>
          <a href="/evaluations/lists">{t('eval.lists.title')}</a>
        </li>
        {canWrite(ctx) && (
          <li>
            <a href="/evaluations/new">{t('eval.new.title')}</a>
          </li>
        )}
        {canWrite(ctx) && (
          <li>
            <a href="/evaluations/import">{t('eval.import.document_title')}</a>
          </li>
        )}
      </ul>
    </nav>
  );
}

// ---------------------------------------------------------------- list

export function evaluationListPage(ctx: PageContext, list: EvaluationRow[]): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('eval.list.title'),
    children: (
      <>
        <h1>{t('eval.list.title')}</h1>
        <SubNav ctx={ctx} />
        {list.length === 0 ? (
          <p class="notice">{t('eval.list.empty')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('eval.field.title')}</th>
                <th scope="col">{t('eval.field.kind')}</th>
                <th scope="col">{t('eval.field.countries')}</th>
                <th scope="col">{t('eval.field.status')}</th>
                <th scope="col">{t('eval.field.end_date')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((evaluation) => (
                <tr>
                  <td>
                    <a href={`/evaluations/${evaluation.id}`}>{evaluation.title}</a>
                  </td>
                  <td>
                    {t(`eval.mode.${evaluation.mode}`)} · {t(`eval.kind.${evaluation.kind}`)}
                  </td>
                  <td>{evaluation.countries.join(', ')}</td>
                  <td>{t(`eval.status.${evaluation.status}`)}</td>
                  <td>{evaluation.endDate ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    ),
  });
}

// ---------------------------------------------------------------- guided entry form

export function guidedFormPage(
  ctx: PageContext,
  values: GuidedFormValues,
  errors: Array<{ field: string; message: string }> = [],
  lists: Pick<Vocabulary, 'criterion' | 'level'> = { criterion: [...defaultCriteria], level: [...defaultLevels] },
): string {
  const { t } = ctx;
  const value = (name: string) => values[name] ?? '';
  const text = (name: string, label: string, options: { required?: boolean; type?: 'text' | 'date'; hint?: string } = {}) => (
    <Field id={name} label={label} hint={options.hint}>
      {options.type === 'date' ? (
        <input id={name} name={name} type="date" value={value(name)} />
      ) : (
        <input
          id={name}
          name={name}
          type="text"
          value={value(name)}
          required={options.required === true}
          aria-describedby={options.hint ? `${name}-hint` : undefined}
        />
      )}
    </Field>
  );
  const area = (name: string, label: string, rows = 3) => (
    <Field id={name} label={label}>
      <textarea id={name} name={name} rows={rows}>
        {value(name)}
      </textarea>
    </Field>
  );
  const select = (name: string, label: string, options: Array<[string, string]>) => (
    <Field id={name} label={label}>
      <select id={name} name={name}>
        {options.map(([optionValue, optionLabel]) => (
          <option value={optionValue} selected={value(name) === optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </Field>
  );
  const chosenCriteria = new Set(value('criteria').split(',').filter((c) => c !== ''));
  const listHint = t('eval.hint.list');
  return renderPage({
    ctx,
    title: t('eval.new.title'),
    children: (
      <>
        <h1>{t('eval.new.title')}</h1>
        <SubNav ctx={ctx} />
        <p>{t('eval.new.intro')}</p>
        {errors.length > 0 && (
          <div class="error" role="alert" id="form-errors">
            <p>{t('eval.new.errors')}</p>
            <ul>
              {errors.map((error) => (
                <li>
                  <a href={`#${error.field}`}>{error.message}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        <form method="post" action="/evaluations/new" class="guided">
          <CsrfField ctx={ctx} />
          <fieldset>
            <legend>{t('eval.step.quick_facts')}</legend>
            {text('title', t('eval.field.title'), { required: true })}
            {select('mode', t('eval.field.mode'), evaluationModes.map((m) => [m, t(`eval.mode.${m}`)]))}
            {select('kind', t('eval.field.kind'), evaluationKinds.map((k) => [k, t(`eval.kind.${k}`)]))}
            {text('countries', t('eval.field.countries'), { hint: listHint })}
            {text('endDate', t('eval.field.end_date'), { type: 'date' })}
            {text('technicalArea', t('eval.field.technical_area'))}
            {text('commissioningUnit', t('eval.field.commissioning_unit'))}
            {text('evaluators', t('eval.field.evaluators'), { hint: listHint })}
            {text('projectStart', t('eval.field.project_start'), { type: 'date' })}
            {text('projectEnd', t('eval.field.project_end'), { type: 'date' })}
            {text('projectCode', t('eval.field.project_code'))}
            {text('donor', t('eval.field.donor'))}
            {text('budgetAmount', t('eval.field.budget'), { hint: t('eval.hint.budget') })}
            {text('budgetCurrency', t('eval.field.currency'))}
            {text('keywords', t('eval.field.keywords'), { hint: listHint })}
          </fieldset>
          <fieldset>
            <legend>{t('eval.step.purpose')}</legend>
            {area('summary', t('eval.field.summary'), 5)}
            <fieldset class="checkboxes">
              <legend>{t('eval.field.criteria')}</legend>
              {lists.criterion.map((criterion) => (
                <label class="check">
                  <input type="checkbox" name="criteria" value={criterion} checked={chosenCriteria.has(criterion)} /> {entryLabel(ctx, 'criterion', criterion)}
                </label>
              ))}
            </fieldset>
            {area('limitations', t('eval.field.limitations'))}
          </fieldset>
          <fieldset>
            <legend>{t('eval.step.recommendations')}</legend>
            <p class="muted">{t('eval.new.recommendations_hint')}</p>
            {Array.from({ length: GUIDED_RECOMMENDATION_ROWS }, (_, index) => {
              const n = index + 1;
              return (
                <fieldset class="row">
                  <legend>{t('eval.recommendation.numbered', { number: n })}</legend>
                  {area(`rec${n}_text`, t('eval.field.text'), 2)}
                  {text(`rec${n}_addressees`, t('eval.field.addressees'), { hint: listHint })}
                  {select(`rec${n}_level`, t('eval.field.level'), lists.level.map((l) => [l, entryLabel(ctx, 'level', l)]))}
                  {select(`rec${n}_priority`, t('eval.field.priority'), priorities.map((p) => [p, t(`eval.priority.${p}`)]))}
                </fieldset>
              );
            })}
          </fieldset>
          <fieldset>
            <legend>{t('eval.step.lessons')}</legend>
            {select('lessonLanguage', t('eval.field.language'), contentLanguages.map((l) => [l, t(`eval.language.${l}`)]))}
            <label class="check">
              <input type="checkbox" name="publishLessons" value="yes" checked={value('publishLessons') === 'yes'} /> {t('eval.field.publish_lessons')}
            </label>
            {Array.from({ length: GUIDED_LESSON_ROWS }, (_, index) => (
              <fieldset class="row">
                <legend>{t('eval.lesson.numbered', { number: index + 1 })}</legend>
                {text(`lesson${index + 1}_title`, t('eval.field.lesson_title'))}
                {area(`lesson${index + 1}_text`, t('eval.field.text'), 2)}
              </fieldset>
            ))}
            {Array.from({ length: GUIDED_PRACTICE_ROWS }, (_, index) => (
              <fieldset class="row">
                <legend>{t('eval.practice.numbered', { number: index + 1 })}</legend>
                {text(`practice${index + 1}_title`, t('eval.field.lesson_title'))}
                {area(`practice${index + 1}_text`, t('eval.field.text'), 2)}
              </fieldset>
            ))}
          </fieldset>
          <p>
            <button type="submit">{t('eval.new.submit')}</button>
          </p>
        </form>
      </>
    ),
  });
}

// ---------------------------------------------------------------- an evaluation

function Evidence({ ctx, result }: { ctx: PageContext; result: IndicatorResult }) {
  if (!result.available) return <span class="muted">{ctx.t('eval.evidence.unavailable', { reason: result.reason })}</span>;
  const ci = result.ciLow !== null && result.ciHigh !== null ? ` [${result.ciLow.toFixed(2)}–${result.ciHigh.toFixed(2)}]` : '';
  return (
    <span>
      {result.label && `${result.label}: `}
      {result.value.toFixed(2)}
      {ci} (n = {result.n})
    </span>
  );
}

function StatusBadge({ ctx, status, overdue }: { ctx: PageContext; status: ActionStatus; overdue: boolean }) {
  return (
    <span class={overdue ? 'badge overdue' : 'badge'}>
      {ctx.t(`eval.action_status.${status}`)}
      {overdue && <strong> · {ctx.t('eval.overdue')}</strong>}
    </span>
  );
}

/** What the write forms of a dossier need: the organisation's lists and the catalogue activities to choose the scope from. */
export interface DossierEditing {
  vocabulary: Vocabulary;
  activityOptions: Array<{ id: string; label: string }>;
}

export function dossierPage(ctx: PageContext, dossier: EvaluationDossier, activityNames: Map<string, string>, editing?: DossierEditing): string {
  const { t } = ctx;
  const { evaluation } = dossier;
  const fact = (label: string, value: string | null) =>
    value !== null && value !== '' ? (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    ) : null;
  const writer = canWrite(ctx) && editing !== undefined;
  const criteriaChoices = editing ? [...new Set([...evaluation.criteria, ...editing.vocabulary.criterion])] : [];
  return renderPage({
    ctx,
    title: evaluation.title,
    children: (
      <>
        <h1>{evaluation.title}</h1>
        <SubNav ctx={ctx} />
        <p>
          {t(`eval.mode.${evaluation.mode}`)} · {t(`eval.kind.${evaluation.kind}`)} · {t(`eval.status.${evaluation.status}`)}
        </p>
        <p class="exports">
          {t('eval.export')}: <a href={`/api/evaluations/${evaluation.id}/document`}>JSON</a> ·{' '}
          <a href={`/api/evaluations/${evaluation.id}/recommendations/export?format=csv`}>{t('eval.recommendations')} CSV</a> ·{' '}
          <a href={`/api/evaluations/${evaluation.id}/recommendations/export?format=xlsx`}>{t('eval.recommendations')} XLSX</a> ·{' '}
          <a href={`/api/evaluations/${evaluation.id}/actions/export?format=csv`}>{t('eval.actions')} CSV</a> ·{' '}
          <a href={`/api/evaluations/${evaluation.id}/actions/export?format=xlsx`}>{t('eval.actions')} XLSX</a>
          {writer && (
            <>
              {' '}
              · <a href={`/evaluations/${evaluation.id}/import`}>{t('eval.import.title')}</a>
            </>
          )}
        </p>
        <section aria-labelledby="quick-facts">
          <h2 id="quick-facts">{t('eval.step.quick_facts')}</h2>
          <dl class="facts">
            {fact(t('eval.field.countries'), evaluation.countries.join(', '))}
            {fact(t('eval.field.end_date'), evaluation.endDate)}
            {fact(t('eval.field.technical_area'), evaluation.technicalArea)}
            {fact(t('eval.field.commissioning_unit'), evaluation.commissioningUnit)}
            {fact(t('eval.field.evaluators'), evaluation.evaluators.join(', '))}
            {fact(t('eval.field.project_start'), evaluation.projectStart)}
            {fact(t('eval.field.project_end'), evaluation.projectEnd)}
            {fact(t('eval.field.project_code'), evaluation.projectCode)}
            {fact(t('eval.field.donor'), [evaluation.donor, evaluation.budgetAmount ? `${evaluation.budgetCurrency} ${evaluation.budgetAmount}` : ''].filter((s) => s !== '').join(' · '))}
            {fact(t('eval.field.keywords'), evaluation.keywords.join(', '))}
            {fact(t('eval.field.criteria'), evaluation.criteria.map((c) => entryLabel(ctx, 'criterion', c)).join(', '))}
            {fact(t('eval.field.scope'), evaluation.scopeActivityIds.map((id) => activityNames.get(id) ?? id).join(', '))}
          </dl>
          {evaluation.summary && <p class="summary">{evaluation.summary}</p>}
          {evaluation.documents.length > 0 && (
            <ul class="documents">
              {evaluation.documents.map((document, index) => (
                <li>
                  {/^https?:\/\//i.test(document.url) ? (
                    <a href={document.url}>{document.label}</a>
                  ) : (
                    <>
                      {document.label}
                      {document.label !== document.url && (
                        <>
                          {' '}
                          (<code>{document.url}</code>)
                        </>
                      )}
                    </>
                  )}{' '}
                  {writer && <RemoveButton ctx={ctx} action={`/evaluations/${evaluation.id}/documents/${index}/delete`} label={`${t('eval.remove')} ${document.label}`} />}
                </li>
              ))}
            </ul>
          )}
          {evaluation.limitations && (
            <p>
              <strong>{t('eval.field.limitations')}:</strong> {evaluation.limitations}
            </p>
          )}
          {writer && editing && <RecordForms ctx={ctx} evaluation={evaluation} vocabulary={editing.vocabulary} activityOptions={editing.activityOptions} />}
          {canDeletePages(ctx) && (
            <form method="post" action={`/evaluations/${evaluation.id}/delete`} class="inline">
              <CsrfField ctx={ctx} />
              <button type="submit" class="secondary danger">
                {t('eval.delete_evaluation')}
              </button>
            </form>
          )}
        </section>
        {(evaluation.questions.length > 0 || writer) && (
          <section aria-labelledby="questions">
            <h2 id="questions">{t('eval.questions')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('eval.field.criterion')}</th>
                  <th scope="col">{t('eval.field.question')}</th>
                  <th scope="col">{t('eval.field.methods')}</th>
                  <th scope="col">{t('eval.field.data_sources')}</th>
                  {canDeletePages(ctx) && <th scope="col">{t('eval.remove')}</th>}
                </tr>
              </thead>
              <tbody>
                {evaluation.questions.map((q, index) => (
                  <tr>
                    <td>{entryLabel(ctx, 'criterion', q.criterion)}</td>
                    <td>
                      {q.question}
                      {q.subQuestions.length > 0 && (
                        <ul>
                          {q.subQuestions.map((s) => (
                            <li>{s}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>{q.methods.map((m) => ((dataSourceMethods as readonly string[]).includes(m) ? t(`eval.method.${m as (typeof dataSourceMethods)[number]}`) : m)).join(', ')}</td>
                    <td>{q.dataSources.join(', ')}</td>
                    {canDeletePages(ctx) && (
                      <td>
                        <RemoveButton ctx={ctx} action={`/evaluations/${evaluation.id}/questions/${index}/delete`} label={`${t('eval.remove')} ${q.question}`} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {writer && <QuestionForm ctx={ctx} evaluationId={evaluation.id} criteria={criteriaChoices} />}
          </section>
        )}
        {(evaluation.sample.length > 0 || writer) && (
          <section aria-labelledby="sample">
            <h2 id="sample">{t('eval.sample')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('eval.field.tool')}</th>
                  <th scope="col">{t('eval.field.target_group')}</th>
                  <th scope="col" class="num">{t('eval.field.target_sample')}</th>
                  <th scope="col" class="num">{t('eval.field.actual_sample')}</th>
                  {canDeletePages(ctx) && <th scope="col">{t('eval.remove')}</th>}
                </tr>
              </thead>
              <tbody>
                {evaluation.sample.map((s, index) => (
                  <tr>
                    <td>{s.tool}</td>
                    <td>{s.targetGroup}</td>
                    <td class="num">{s.targetSample}</td>
                    <td class="num">{s.actualSample ?? '—'}</td>
                    {canDeletePages(ctx) && (
                      <td>
                        <RemoveButton ctx={ctx} action={`/evaluations/${evaluation.id}/sample/${index}/delete`} label={`${t('eval.remove')} ${s.tool}`} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {writer && <SampleForm ctx={ctx} evaluationId={evaluation.id} />}
          </section>
        )}
        <section aria-labelledby="findings">
          <h2 id="findings">{t('eval.findings')}</h2>
          {dossier.findings.length === 0 && <p class="muted">{t('eval.none')}</p>}
          <ul>
            {dossier.findings.map((finding) => (
              <li id={`finding-${finding.id}`}>
                <strong>{entryLabel(ctx, 'criterion', finding.criterion)}</strong>: {finding.text}
                {finding.evidenceResults.length > 0 && (
                  <ul>
                    {finding.evidenceResults.map(({ link, result }) => (
                      <li>
                        {t('eval.evidence')}: <code>{link.indicatorKey}</code> {link.period}
                        {Object.entries(link.filters).map(([k, v]) => ` · ${k}=${v}`)} → <Evidence ctx={ctx} result={result} />
                      </li>
                    ))}
                  </ul>
                )}
                {writer && <FindingEditForm ctx={ctx} finding={finding} criteria={criteriaChoices} evaluationId={evaluation.id} />}
              </li>
            ))}
          </ul>
          {writer && <FindingForms ctx={ctx} dossier={dossier} criteria={criteriaChoices} />}
        </section>
        <section aria-labelledby="recommendations">
          <h2 id="recommendations">{t('eval.recommendations')}</h2>
          {dossier.recommendations.map((rec) => (
            <article class="recommendation" id={`rec-${rec.number}`} aria-labelledby={`rec-${rec.number}-title`}>
              <h3 id={`rec-${rec.number}-title`}>{t('eval.recommendation.numbered', { number: rec.number })}</h3>
              <p>{rec.text}</p>
              <p class="muted">
                {t('eval.field.addressees')}: {rec.addressees.join(', ') || '—'} · {t('eval.field.level')}: {levelLabel(ctx, rec.level)} ·{' '}
                {t('eval.field.priority')}: {t(`eval.priority.${rec.priority}`)}
              </p>
              <p>
                <strong>{t('eval.response')}:</strong>{' '}
                {rec.responseDecision ? (
                  <>
                    {t(`eval.decision.${rec.responseDecision}`)} ({rec.responseDate}) — {rec.responseText}
                  </>
                ) : (
                  <span class="muted">{t('eval.response.none')}</span>
                )}
              </p>
              {rec.actions.length > 0 && (
                <table>
                  <caption class="visually-hidden">{t('eval.actions')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('eval.field.action')}</th>
                      <th scope="col">{t('eval.field.responsible_unit')}</th>
                      <th scope="col">{t('eval.field.due_date')}</th>
                      <th scope="col">{t('eval.field.status')}</th>
                      <th scope="col">{t('eval.updates')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rec.actions.map((action) => (
                      <tr class={action.overdue ? 'overdue' : undefined}>
                        <td>{action.description}</td>
                        <td>{action.responsibleUnit}</td>
                        <td>{action.dueDate}</td>
                        <td>
                          <StatusBadge ctx={ctx} status={action.status} overdue={action.overdue} />
                        </td>
                        <td>
                          <ul class="updates">
                            {action.updates.map((u) => (
                              <li>
                                {u.on}: {u.text} {u.evidenceUrl && <a href={u.evidenceUrl}>{t('eval.evidence')}</a>}
                                {u.evidenceIndicator && (
                                  <>
                                    {' '}
                                    · {t('eval.evidence')}: <code>{u.evidenceIndicator.indicatorKey}</code> {u.evidenceIndicator.period}
                                    {Object.entries(u.evidenceIndicator.filters).map(([k, v]) => ` · ${k}=${v}`)}
                                    {u.evidenceResult && (
                                      <>
                                        {' '}
                                        → <Evidence ctx={ctx} result={u.evidenceResult} />
                                      </>
                                    )}
                                  </>
                                )}
                              </li>
                            ))}
                          </ul>
                          {writer && action.status !== 'completed' && action.status !== 'no_longer_applicable' && (
                            <ProgressForm ctx={ctx} actionId={action.id} evaluationId={evaluation.id} />
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {writer && <RecommendationForms ctx={ctx} recommendation={rec} evaluationId={evaluation.id} />}
              {canDeletePages(ctx) && (
                <form method="post" action={`/recommendations/${rec.id}/delete`} class="inline">
                  <CsrfField ctx={ctx} />
                  <input type="hidden" name="evaluationId" value={evaluation.id} />
                  <button type="submit" class="secondary danger">
                    {t('eval.recommendation.remove')}
                  </button>
                </form>
              )}
            </article>
          ))}
          {writer && (
            <form method="post" action={`/evaluations/${evaluation.id}/recommendations`} class="box">
              <h3>{t('eval.recommendation.add')}</h3>
              <CsrfField ctx={ctx} />
              <Field id="new-rec-text" label={t('eval.field.text')}>
                <textarea id="new-rec-text" name="text" rows={2} required></textarea>
              </Field>
              {editing && (
                <>
                  <fieldset class="checkboxes">
                    <legend>{t('eval.field.addressees')}</legend>
                    {editing.vocabulary.addressee.map((a) => (
                      <label class="check">
                        <input type="checkbox" name="addressees" value={entryLabel(ctx, 'addressee', a)} /> {entryLabel(ctx, 'addressee', a)}
                      </label>
                    ))}
                  </fieldset>
                  <Field id="new-rec-addressees" label={t('eval.field.other_addressees')} hint={t('eval.hint.list')}>
                    <input id="new-rec-addressees" name="otherAddressees" aria-describedby="new-rec-addressees-hint" />
                  </Field>
                  <Field id="new-rec-level" label={t('eval.field.level')}>
                    <select id="new-rec-level" name="level">
                      {editing.vocabulary.level.map((l) => (
                        <option value={l}>{entryLabel(ctx, 'level', l)}</option>
                      ))}
                    </select>
                  </Field>
                  <Field id="new-rec-priority" label={t('eval.field.priority')}>
                    <select id="new-rec-priority" name="priority">
                      {priorities.map((p) => (
                        <option value={p} selected={p === 'medium'}>
                          {t(`eval.priority.${p}`)}
                        </option>
                      ))}
                    </select>
                  </Field>
                </>
              )}
              <p>
                <button type="submit">{t('eval.recommendation.add')}</button>
              </p>
            </form>
          )}
        </section>
        <section aria-labelledby="lessons">
          <h2 id="lessons">{t('eval.lessons.public_title')}</h2>
          <LessonList ctx={ctx} lessons={dossier.lessons.map((l) => ({ ...l, organisation: null }))} editable={writer} />
          {writer && <LessonAddForm ctx={ctx} evaluationId={evaluation.id} />}
        </section>
      </>
    ),
  });
}

function levelLabel(ctx: PageContext, level: string): string {
  return level === '' ? '—' : entryLabel(ctx, 'level', level);
}

function ProgressForm({ ctx, actionId, evaluationId }: { ctx: PageContext; actionId: string; evaluationId: string }) {
  const { t } = ctx;
  return (
    <details>
      <summary>{t('eval.update.add')}</summary>
      <form method="post" action={`/actions/${actionId}/updates`}>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="evaluationId" value={evaluationId} />
        <Field id={`u-on-${actionId}`} label={t('eval.field.date')}>
          <input id={`u-on-${actionId}`} name="on" type="date" required />
        </Field>
        <Field id={`u-text-${actionId}`} label={t('eval.field.text')}>
          <input id={`u-text-${actionId}`} name="text" required />
        </Field>
        <Field id={`u-url-${actionId}`} label={t('eval.field.evidence_url')}>
          <input id={`u-url-${actionId}`} name="evidenceUrl" type="url" />
        </Field>
        <fieldset>
          <legend>{t('eval.update.indicator')}</legend>
          <Field id={`u-key-${actionId}`} label={t('eval.field.indicator')}>
            <input id={`u-key-${actionId}`} name="indicatorKey" />
          </Field>
          <Field id={`u-period-${actionId}`} label={t('eval.field.period')}>
            <input id={`u-period-${actionId}`} name="period" />
          </Field>
          <Field id={`u-filters-${actionId}`} label={t('eval.field.filters')}>
            <input id={`u-filters-${actionId}`} name="filters" />
          </Field>
        </fieldset>
        <Field id={`u-status-${actionId}`} label={t('eval.field.status')}>
          <select id={`u-status-${actionId}`} name="statusAfter">
            {actionStatuses.map((s) => (
              <option value={s}>{t(`eval.action_status.${s}`)}</option>
            ))}
          </select>
        </Field>
        <p>
          <button type="submit" class="secondary">
            {t('common.save')}
          </button>
        </p>
      </form>
    </details>
  );
}

function RecommendationForms({
  ctx,
  recommendation,
  evaluationId,
}: {
  ctx: PageContext;
  recommendation: EvaluationDossier['recommendations'][number];
  evaluationId: string;
}) {
  const { t } = ctx;
  const id = recommendation.id;
  return (
    <>
      <details>
        <summary>{t('eval.response.record')}</summary>
        <form method="post" action={`/recommendations/${id}/response`}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="evaluationId" value={evaluationId} />
          <Field id={`r-decision-${id}`} label={t('eval.response')}>
            <select id={`r-decision-${id}`} name="decision">
              {responseDecisions.map((d) => (
                <option value={d} selected={recommendation.responseDecision === d}>
                  {t(`eval.decision.${d}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`r-text-${id}`} label={t('eval.field.text')}>
            <textarea id={`r-text-${id}`} name="text" rows={2} required>
              {recommendation.responseText ?? ''}
            </textarea>
          </Field>
          <Field id={`r-date-${id}`} label={t('eval.field.date')}>
            <input id={`r-date-${id}`} name="date" type="date" required value={recommendation.responseDate ?? ''} />
          </Field>
          <p>
            <button type="submit" class="secondary">
              {t('common.save')}
            </button>
          </p>
        </form>
      </details>
      {(recommendation.responseDecision === 'accepted' || recommendation.responseDecision === 'partially_accepted') && (
        <details>
          <summary>{t('eval.action.add')}</summary>
          <form method="post" action={`/recommendations/${id}/actions`}>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="evaluationId" value={evaluationId} />
            <Field id={`a-desc-${id}`} label={t('eval.field.action')}>
              <input id={`a-desc-${id}`} name="description" required />
            </Field>
            <Field id={`a-unit-${id}`} label={t('eval.field.responsible_unit')}>
              <input id={`a-unit-${id}`} name="responsibleUnit" required />
            </Field>
            <Field id={`a-due-${id}`} label={t('eval.field.due_date')}>
              <input id={`a-due-${id}`} name="dueDate" type="date" required />
            </Field>
            <p>
              <button type="submit" class="secondary">
                {t('eval.action.add')}
              </button>
            </p>
          </form>
        </details>
      )}
    </>
  );
}

// ---------------------------------------------------------------- lessons

interface LessonListItem {
  id: string;
  kind: (typeof lessonKinds)[number];
  language: (typeof contentLanguages)[number];
  title: string;
  text: string;
  context: string;
  replicationConditions: string;
  themes: string[];
  countries: string[];
  published: boolean;
  organisation: string | null;
}

function LessonList({ ctx, lessons, editable = false }: { ctx: PageContext; lessons: LessonListItem[]; editable?: boolean }) {
  const { t } = ctx;
  if (lessons.length === 0) return <p class="muted">{t('eval.none')}</p>;
  return (
    <ul class="lessons">
      {lessons.map((lesson) => (
        <li lang={lesson.language}>
          <h3>{lesson.title}</h3>
          <p class="muted">
            <span lang={ctx.lang}>
              {t(`eval.lesson_kind.${lesson.kind}`)}
              {lesson.organisation && ` · ${lesson.organisation}`}
              {lesson.countries.length > 0 && ` · ${lesson.countries.join(', ')}`}
              {lesson.themes.length > 0 && ` · ${lesson.themes.join(', ')}`}
              {ctx.actor && ` · ${lesson.published ? t('eval.published') : t('eval.unpublished')}`}
            </span>
          </p>
          <p>{lesson.text}</p>
          {lesson.context && <p>{lesson.context}</p>}
          {lesson.replicationConditions && <p>{lesson.replicationConditions}</p>}
          {editable && (
            <div lang={ctx.lang}>
              <LessonActions ctx={ctx} lesson={lesson} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function FacetLinks({ ctx, name, facets, label, base }: { ctx: PageContext; name: string; facets: LessonFacets[keyof LessonFacets]; label: string; base: string }) {
  if (facets.length === 0) return null;
  return (
    <div class="facet">
      <h3>{label}</h3>
      <ul>
        {facets.map((facet) => (
          <li>
            <a href={withQuery(base, name, facet.value)}>
              {name === 'kind' ? ctx.t(`eval.lesson_kind.${facet.value as (typeof lessonKinds)[number]}`) : facet.value}
            </a>{' '}
            ({facet.count})
          </li>
        ))}
      </ul>
    </div>
  );
}

export function lessonLibraryPage(ctx: PageContext, result: LessonSearchResult, query: Record<string, string | undefined>, options: { publicView: boolean }): string {
  const { t } = ctx;
  const action = options.publicView ? '/public/lessons' : '/lessons';
  const title = options.publicView ? t('eval.lessons.public_title') : t('eval.lessons.title');
  return renderPage({
    ctx,
    title,
    children: (
      <>
        <h1>{title}</h1>
        {!options.publicView && <SubNav ctx={ctx} />}
        <form method="get" action={action} role="search">
          <label for="lesson-q">{t('eval.lessons.search')}</label>
          <input id="lesson-q" name="q" type="search" value={query.q ?? ''} />{' '}
          {query.theme && <input type="hidden" name="theme" value={query.theme} />}
          {query.country && <input type="hidden" name="country" value={query.country} />}
          <label for="lesson-kind">{t('eval.field.kind')}</label>
          <select id="lesson-kind" name="kind">
            <option value="">{t('eval.all')}</option>
            {lessonKinds.map((k) => (
              <option value={k} selected={query.kind === k}>
                {t(`eval.lesson_kind.${k}`)}
              </option>
            ))}
          </select>{' '}
          <button type="submit">{t('eval.lessons.search_button')}</button>
        </form>
        <div class="library">
          <aside aria-label={t('eval.facets')}>
            <FacetLinks ctx={ctx} name="kind" facets={result.facets.kind} label={t('eval.field.kind')} base={ctx.url} />
            <FacetLinks ctx={ctx} name="theme" facets={result.facets.themes} label={t('eval.field.themes')} base={ctx.url} />
            <FacetLinks ctx={ctx} name="country" facets={result.facets.countries} label={t('eval.field.countries')} base={ctx.url} />
            <FacetLinks ctx={ctx} name="language" facets={result.facets.language} label={t('eval.field.language')} base={ctx.url} />
          </aside>
          <section aria-label={t('eval.results')}>
            <p role="status">{t('eval.lessons.count', { count: result.hits.length })}</p>
            <LessonList ctx={ctx} lessons={result.hits} editable={!options.publicView} />
          </section>
        </div>
      </>
    ),
  });
}

// ---------------------------------------------------------------- follow-up dashboard

export function followUpPage(ctx: PageContext, dashboard: FollowUpDashboard, evaluationList: EvaluationRow[], query: Record<string, string | undefined>): string {
  const { t } = ctx;
  const exportQuery = new URLSearchParams(Object.entries({ evaluationId: query.evaluationId ?? '', unit: query.unit ?? '' }).filter(([, v]) => v !== ''));
  return renderPage({
    ctx,
    title: t('eval.followup.title'),
    children: (
      <>
        <h1>{t('eval.followup.title')}</h1>
        <SubNav ctx={ctx} />
        <form method="get" action="/follow-up" class="filters">
          <label for="f-evaluation">{t('eval.followup.evaluation')}</label>
          <select id="f-evaluation" name="evaluationId">
            <option value="">{t('eval.all')}</option>
            {evaluationList.map((e) => (
              <option value={e.id} selected={query.evaluationId === e.id}>
                {e.title}
              </option>
            ))}
          </select>
          <label for="f-unit">{t('eval.field.responsible_unit')}</label>
          <select id="f-unit" name="unit">
            <option value="">{t('eval.all')}</option>
            {dashboard.units.map((unit) => (
              <option value={unit} selected={query.unit === unit}>
                {unit}
              </option>
            ))}
          </select>{' '}
          <button type="submit">{t('eval.filter')}</button>
        </form>
        <p class="muted">{t('eval.followup.as_of', { date: dashboard.today })}</p>
        <h2>{t('eval.followup.by_response')}</h2>
        <table>
          <tbody>
            {dashboard.recommendationsByResponse.map((row) => (
              <tr>
                <th scope="row">{row.decision ? t(`eval.decision.${row.decision}`) : t('eval.response.none')}</th>
                <td class="num">{row.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t('eval.followup.by_status')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('eval.field.status')}</th>
              <th scope="col" class="num">{t('eval.followup.count')}</th>
              <th scope="col" class="num">{t('eval.overdue')}</th>
            </tr>
          </thead>
          <tbody>
            {dashboard.actionsByStatus.map((row) => (
              <tr>
                <th scope="row">{t(`eval.action_status.${row.status}`)}</th>
                <td class="num">{row.count}</td>
                <td class="num">{row.overdue}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          {t('eval.followup.on_time')}:{' '}
          <strong>{dashboard.completedOnTimeRate === null ? '—' : `${Math.round(dashboard.completedOnTimeRate * 100)} %`}</strong>
        </p>
        <h2>{t('eval.followup.overdue')}</h2>
        <p>
          {t('eval.export')}: <a href={`/api/follow-up/overdue/export?${new URLSearchParams([...exportQuery, ['format', 'csv']])}`}>CSV</a> ·{' '}
          <a href={`/api/follow-up/overdue/export?${new URLSearchParams([...exportQuery, ['format', 'xlsx']])}`}>XLSX</a>
        </p>
        {dashboard.overdueByUnit.length === 0 && <p class="muted">{t('eval.none')}</p>}
        {dashboard.overdueByUnit.map(({ unit, actions }) => (
          <section aria-label={unit}>
            <h3>{unit}</h3>
            <ul>
              {actions.map((a) => (
                <li class="overdue">
                  <a href={`/evaluations/${a.evaluationId}#rec-${a.recommendationNumber}`}>
                    {a.evaluationTitle} · {t('eval.recommendation.numbered', { number: a.recommendationNumber })}
                  </a>
                  : {a.description} — {t('eval.followup.days_overdue', { days: a.daysOverdue, date: a.dueDate })}
                </li>
              ))}
            </ul>
          </section>
        ))}
        <h2>{t('eval.followup.recurring')}</h2>
        <p class="muted">{t('eval.followup.recurring_hint')}</p>
        {dashboard.recurring.length === 0 && <p class="muted">{t('eval.none')}</p>}
        <ul>
          {dashboard.recurring.map((pair) => (
            <li>
              <a href={`/evaluations/${pair.firstEvaluationId}#rec-${pair.firstNumber}`}>
                {pair.firstEvaluationTitle} #{pair.firstNumber}
              </a>{' '}
              ≈{' '}
              <a href={`/evaluations/${pair.secondEvaluationId}#rec-${pair.secondNumber}`}>
                {pair.secondEvaluationTitle} #{pair.secondNumber}
              </a>{' '}
              ({Math.round(pair.similarity * 100)} %)
              <blockquote>{pair.firstText}</blockquote>
              <blockquote>{pair.secondText}</blockquote>
            </li>
          ))}
        </ul>
      </>
    ),
  });
}
