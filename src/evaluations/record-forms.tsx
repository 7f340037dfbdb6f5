// The page forms that edit an evaluation record part by part (no JavaScript, CSRF in every form):
// findings with their indicator evidence, the questions matrix, the sample table, limitations,
// linked documents, criteria and scope; lessons (add, edit, publish); the organisation's editable
// lists; and the upload forms of the imports with their rejection report. Writers (evaluators,
// administrators) see the forms; only administrators see the remove buttons.
import type { ComponentChildren } from 'preact';
import { CsrfField, renderPage, type PageContext } from '../web/page.tsx';
import type { EvaluationRow, LessonRow } from './repository.ts';
import {
  contentLanguages,
  dataSourceMethods,
  defaultAddressees,
  defaultCriteria,
  defaultLevels,
  lessonKinds,
  type IndicatorLink,
  type VocabularyList,
} from './schema.ts';
import type { EvaluationDossier, Vocabulary } from './service.ts';
import type { ImportIssue } from './transfer.ts';

export const EVIDENCE_ROWS = 3;

export const canWritePages = (ctx: PageContext) => ctx.actor?.role === 'administrator' || ctx.actor?.role === 'evaluator';
export const canDeletePages = (ctx: PageContext) => ctx.actor?.role === 'administrator';

/** The label of a list entry: translated when it is one of the default keys, as entered otherwise. */
export function entryLabel(ctx: PageContext, list: VocabularyList, value: string): string {
  if (list === 'criterion' && (defaultCriteria as readonly string[]).includes(value)) return ctx.t(`eval.criterion.${value as (typeof defaultCriteria)[number]}`);
  if (list === 'level' && (defaultLevels as readonly string[]).includes(value)) return ctx.t(`eval.level.${value as (typeof defaultLevels)[number]}`);
  if (list === 'addressee' && (defaultAddressees as readonly string[]).includes(value)) {
    return ctx.t(`eval.addressee.${value as (typeof defaultAddressees)[number]}`);
  }
  return value;
}

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

function Submit({ label, secondary = true }: { label: string; secondary?: boolean }) {
  return (
    <p>
      <button type="submit" class={secondary ? 'secondary' : undefined}>
        {label}
      </button>
    </p>
  );
}

/** A one-button form that removes something (administrators only). */
export function RemoveButton({ ctx, action, label, evaluationId }: { ctx: PageContext; action: string; label: string; evaluationId?: string }) {
  if (!canDeletePages(ctx)) return null;
  return (
    <form method="post" action={action} class="inline">
      <CsrfField ctx={ctx} />
      {evaluationId && <input type="hidden" name="evaluationId" value={evaluationId} />}
      <button type="submit" class="secondary danger" aria-label={label}>
        {ctx.t('eval.remove')}
      </button>
    </form>
  );
}

/** "key=value; key=value" as shown in the filter fields. */
export const filtersText = (filters: Record<string, string>) =>
  Object.entries(filters)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

function CriterionSelect({ ctx, id, criteria, selected }: { ctx: PageContext; id: string; criteria: string[]; selected?: string }) {
  return (
    <select id={id} name="criterion" required>
      {criteria.map((c) => (
        <option value={c} selected={selected === c}>
          {entryLabel(ctx, 'criterion', c)}
        </option>
      ))}
    </select>
  );
}

function EvidenceRows({ ctx, prefix, links }: { ctx: PageContext; prefix: string; links: IndicatorLink[] }) {
  const { t } = ctx;
  const shown = [...links, ...Array.from({ length: Math.max(1, EVIDENCE_ROWS - links.length) }, () => undefined)];
  return (
    <fieldset>
      <legend>{t('eval.evidence.links')}</legend>
      <p class="muted">{t('eval.evidence.hint')}</p>
      {shown.map((link, index) => {
        const n = index + 1;
        return (
          <div class="row">
            <Field id={`${prefix}-key${n}`} label={t('eval.field.indicator_key', { number: n })}>
              <input id={`${prefix}-key${n}`} name={`evidence${n}_key`} value={link?.indicatorKey ?? ''} />
            </Field>
            <Field id={`${prefix}-period${n}`} label={t('eval.field.period')}>
              <input id={`${prefix}-period${n}`} name={`evidence${n}_period`} value={link?.period ?? ''} />
            </Field>
            <Field id={`${prefix}-filters${n}`} label={t('eval.field.filters')}>
              <input id={`${prefix}-filters${n}`} name={`evidence${n}_filters`} value={link ? filtersText(link.filters) : ''} />
            </Field>
          </div>
        );
      })}
    </fieldset>
  );
}

export function FindingForms({ ctx, dossier, criteria }: { ctx: PageContext; dossier: EvaluationDossier; criteria: string[] }) {
  const { t } = ctx;
  const id = dossier.evaluation.id;
  return (
    <details>
      <summary>{t('eval.finding.add')}</summary>
      <form method="post" action={`/evaluations/${id}/findings`}>
        <CsrfField ctx={ctx} />
        <Field id="new-finding-criterion" label={t('eval.field.criterion')}>
          <CriterionSelect ctx={ctx} id="new-finding-criterion" criteria={criteria} />
        </Field>
        <Field id="new-finding-text" label={t('eval.field.text')}>
          <textarea id="new-finding-text" name="text" rows={3} required></textarea>
        </Field>
        <EvidenceRows ctx={ctx} prefix="new-finding" links={[]} />
        <Submit label={t('eval.finding.add')} />
      </form>
    </details>
  );
}

export function FindingEditForm({ ctx, finding, criteria, evaluationId }: { ctx: PageContext; finding: EvaluationDossier['findings'][number]; criteria: string[]; evaluationId: string }) {
  const { t } = ctx;
  const withCurrent = criteria.includes(finding.criterion) ? criteria : [...criteria, finding.criterion];
  return (
    <>
      <details>
        <summary>{t('eval.finding.edit')}</summary>
        <form method="post" action={`/findings/${finding.id}`}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="evaluationId" value={evaluationId} />
          <Field id={`f-criterion-${finding.id}`} label={t('eval.field.criterion')}>
            <CriterionSelect ctx={ctx} id={`f-criterion-${finding.id}`} criteria={withCurrent} selected={finding.criterion} />
          </Field>
          <Field id={`f-text-${finding.id}`} label={t('eval.field.text')}>
            <textarea id={`f-text-${finding.id}`} name="text" rows={3} required>
              {finding.text}
            </textarea>
          </Field>
          <EvidenceRows ctx={ctx} prefix={`f-${finding.id}`} links={finding.evidence} />
          <Submit label={t('common.save')} />
        </form>
      </details>
      <RemoveButton ctx={ctx} action={`/findings/${finding.id}/delete`} label={t('eval.finding.remove')} evaluationId={evaluationId} />
    </>
  );
}

export function QuestionForm({ ctx, evaluationId, criteria }: { ctx: PageContext; evaluationId: string; criteria: string[] }) {
  const { t } = ctx;
  return (
    <details>
      <summary>{t('eval.question.add')}</summary>
      <form method="post" action={`/evaluations/${evaluationId}/questions`}>
        <CsrfField ctx={ctx} />
        <Field id="q-criterion" label={t('eval.field.criterion')}>
          <CriterionSelect ctx={ctx} id="q-criterion" criteria={criteria} />
        </Field>
        <Field id="q-question" label={t('eval.field.question')}>
          <textarea id="q-question" name="question" rows={2} required></textarea>
        </Field>
        <Field id="q-sub" label={t('eval.field.sub_questions')} hint={t('eval.hint.one_per_line')}>
          <textarea id="q-sub" name="subQuestions" rows={3} aria-describedby="q-sub-hint"></textarea>
        </Field>
        <fieldset class="checkboxes">
          <legend>{t('eval.field.methods')}</legend>
          {dataSourceMethods.map((method) => (
            <label class="check">
              <input type="checkbox" name="methods" value={method} /> {t(`eval.method.${method}`)}
            </label>
          ))}
        </fieldset>
        <Field id="q-sources" label={t('eval.field.data_sources')} hint={t('eval.hint.list')}>
          <input id="q-sources" name="dataSources" aria-describedby="q-sources-hint" />
        </Field>
        <Submit label={t('eval.question.add')} />
      </form>
    </details>
  );
}

export function SampleForm({ ctx, evaluationId }: { ctx: PageContext; evaluationId: string }) {
  const { t } = ctx;
  return (
    <details>
      <summary>{t('eval.sample.add')}</summary>
      <form method="post" action={`/evaluations/${evaluationId}/sample`}>
        <CsrfField ctx={ctx} />
        <Field id="s-tool" label={t('eval.field.tool')}>
          <input id="s-tool" name="tool" required />
        </Field>
        <Field id="s-group" label={t('eval.field.target_group')}>
          <input id="s-group" name="targetGroup" required />
        </Field>
        <Field id="s-target" label={t('eval.field.target_sample')}>
          <input id="s-target" name="targetSample" inputMode="numeric" required />
        </Field>
        <Field id="s-actual" label={t('eval.field.actual_sample')}>
          <input id="s-actual" name="actualSample" inputMode="numeric" />
        </Field>
        <Submit label={t('eval.sample.add')} />
      </form>
    </details>
  );
}

export function RecordForms({ ctx, evaluation, vocabulary, activityOptions }: { ctx: PageContext; evaluation: EvaluationRow; vocabulary: Vocabulary; activityOptions: Array<{ id: string; label: string }> }) {
  const { t } = ctx;
  const id = evaluation.id;
  const criteriaChoices = [...vocabulary.criterion, ...evaluation.criteria.filter((c) => !vocabulary.criterion.includes(c))];
  const scope = new Set(evaluation.scopeActivityIds);
  return (
    <>
      <details>
        <summary>{t('eval.field.limitations')}</summary>
        <form method="post" action={`/evaluations/${id}/limitations`}>
          <CsrfField ctx={ctx} />
          <Field id="e-limitations" label={t('eval.field.limitations')}>
            <textarea id="e-limitations" name="limitations" rows={4}>
              {evaluation.limitations}
            </textarea>
          </Field>
          <Submit label={t('common.save')} />
        </form>
      </details>
      <details>
        <summary>{t('eval.document.add')}</summary>
        <form method="post" action={`/evaluations/${id}/documents`}>
          <CsrfField ctx={ctx} />
          <Field id="d-label" label={t('eval.field.document_label')}>
            <input id="d-label" name="label" />
          </Field>
          <Field id="d-url" label={t('eval.field.document_url')} hint={t('eval.hint.document')}>
            <input id="d-url" name="url" required aria-describedby="d-url-hint" />
          </Field>
          <Submit label={t('eval.document.add')} />
        </form>
      </details>
      <details>
        <summary>{t('eval.field.criteria')}</summary>
        <form method="post" action={`/evaluations/${id}/criteria`}>
          <CsrfField ctx={ctx} />
          <fieldset class="checkboxes">
            <legend>{t('eval.field.criteria')}</legend>
            {criteriaChoices.map((c) => (
              <label class="check">
                <input type="checkbox" name="criteria" value={c} checked={evaluation.criteria.includes(c)} /> {entryLabel(ctx, 'criterion', c)}
              </label>
            ))}
          </fieldset>
          <Field id="e-other-criteria" label={t('eval.field.other_criteria')} hint={t('eval.hint.list')}>
            <input id="e-other-criteria" name="otherCriteria" aria-describedby="e-other-criteria-hint" />
          </Field>
          <Submit label={t('common.save')} />
        </form>
      </details>
      <details>
        <summary>{t('eval.field.scope')}</summary>
        <form method="post" action={`/evaluations/${id}/scope`}>
          <CsrfField ctx={ctx} />
          {activityOptions.length === 0 ? (
            <p class="muted">{t('eval.scope.no_activities')}</p>
          ) : (
            <Field id="e-scope" label={t('eval.field.scope')} hint={t('eval.hint.multiple')}>
              <select id="e-scope" name="activityIds" multiple size={Math.min(10, activityOptions.length)} aria-describedby="e-scope-hint">
                {activityOptions.map((a) => (
                  <option value={a.id} selected={scope.has(a.id)}>
                    {a.label}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <input type="hidden" name="activityIds" value="" />
          <Submit label={t('common.save')} />
        </form>
      </details>
    </>
  );
}

export function LessonFields({ ctx, lesson, prefix }: { ctx: PageContext; lesson?: LessonRow; prefix: string }) {
  const { t } = ctx;
  return (
    <>
      <Field id={`${prefix}-kind`} label={t('eval.field.kind')}>
        <select id={`${prefix}-kind`} name="kind">
          {lessonKinds.map((k) => (
            <option value={k} selected={lesson?.kind === k}>
              {t(`eval.lesson_kind.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${prefix}-language`} label={t('eval.field.language')}>
        <select id={`${prefix}-language`} name="language">
          {contentLanguages.map((l) => (
            <option value={l} selected={(lesson?.language ?? ctx.lang) === l}>
              {t(`eval.language.${l}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${prefix}-title`} label={t('eval.field.lesson_title')}>
        <input id={`${prefix}-title`} name="title" required value={lesson?.title ?? ''} />
      </Field>
      <Field id={`${prefix}-text`} label={t('eval.field.text')}>
        <textarea id={`${prefix}-text`} name="text" rows={4} required>
          {lesson?.text ?? ''}
        </textarea>
      </Field>
      <Field id={`${prefix}-context`} label={t('eval.field.context')}>
        <textarea id={`${prefix}-context`} name="context" rows={2}>
          {lesson?.context ?? ''}
        </textarea>
      </Field>
      <Field id={`${prefix}-conditions`} label={t('eval.field.replication_conditions')}>
        <textarea id={`${prefix}-conditions`} name="replicationConditions" rows={2}>
          {lesson?.replicationConditions ?? ''}
        </textarea>
      </Field>
      <Field id={`${prefix}-themes`} label={t('eval.field.themes')} hint={t('eval.hint.list')}>
        <input id={`${prefix}-themes`} name="themes" value={lesson?.themes.join(', ') ?? ''} aria-describedby={`${prefix}-themes-hint`} />
      </Field>
      <Field id={`${prefix}-countries`} label={t('eval.field.countries')} hint={t('eval.hint.list')}>
        <input id={`${prefix}-countries`} name="countries" value={lesson?.countries.join(', ') ?? ''} aria-describedby={`${prefix}-countries-hint`} />
      </Field>
      <label class="check">
        <input type="checkbox" name="published" value="yes" checked={lesson?.published ?? false} /> {t('eval.field.publish')}
      </label>
    </>
  );
}

export function LessonAddForm({ ctx, evaluationId }: { ctx: PageContext; evaluationId: string }) {
  const { t } = ctx;
  return (
    <details>
      <summary>{t('eval.lesson.add')}</summary>
      <form method="post" action={`/evaluations/${evaluationId}/lessons`}>
        <CsrfField ctx={ctx} />
        <LessonFields ctx={ctx} prefix="new-lesson" />
        <Submit label={t('eval.lesson.add')} />
      </form>
    </details>
  );
}

/** Edit, publish/unpublish and (administrators) remove buttons under a lesson of the staff library or a dossier. */
export function LessonActions({ ctx, lesson }: { ctx: PageContext; lesson: { id: string; published: boolean } }) {
  const { t } = ctx;
  if (!canWritePages(ctx)) return null;
  return (
    <p class="lesson-actions">
      <a href={`/lessons/${lesson.id}/edit`}>{t('eval.lesson.edit')}</a>{' '}
      <form method="post" action={`/lessons/${lesson.id}/publish`} class="inline">
        <CsrfField ctx={ctx} />
        <input type="hidden" name="published" value={lesson.published ? 'no' : 'yes'} />
        <button type="submit" class="secondary">
          {lesson.published ? t('eval.lesson.unpublish') : t('eval.lesson.publish')}
        </button>
      </form>{' '}
      <RemoveButton ctx={ctx} action={`/lessons/${lesson.id}/delete`} label={t('eval.lesson.remove')} />
    </p>
  );
}

export function lessonEditPage(ctx: PageContext, lesson: LessonRow): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('eval.lesson.edit'),
    children: (
      <>
        <h1>{t('eval.lesson.edit')}</h1>
        <p>
          <a href={lesson.evaluationId ? `/evaluations/${lesson.evaluationId}#lessons` : '/lessons'}>{t('eval.back')}</a>
        </p>
        <form method="post" action={`/lessons/${lesson.id}`}>
          <CsrfField ctx={ctx} />
          <LessonFields ctx={ctx} lesson={lesson} prefix="lesson" />
          <Submit label={t('common.save')} secondary={false} />
        </form>
      </>
    ),
  });
}

// ---------------------------------------------------------------- editable lists

export function listsPage(ctx: PageContext, vocabulary: Vocabulary): string {
  const { t } = ctx;
  const writer = canWritePages(ctx);
  const lists: Array<[VocabularyList, string]> = [
    ['criterion', t('eval.field.criteria')],
    ['level', t('eval.field.level')],
    ['addressee', t('eval.field.addressees')],
  ];
  return renderPage({
    ctx,
    title: t('eval.lists.title'),
    children: (
      <>
        <h1>{t('eval.lists.title')}</h1>
        <p>
          <a href="/evaluations">{t('eval.list.title')}</a>
        </p>
        <p>{t('eval.lists.intro')}</p>
        {lists.map(([list, label]) => (
          <section aria-labelledby={`list-${list}`}>
            <h2 id={`list-${list}`}>{label}</h2>
            <ul>
              {vocabulary[list].map((value) => (
                <li>{entryLabel(ctx, list, value)}</li>
              ))}
            </ul>
            {writer && (
              <form method="post" action="/evaluations/lists">
                <CsrfField ctx={ctx} />
                <input type="hidden" name="list" value={list} />
                <Field id={`list-${list}-values`} label={label} hint={t('eval.hint.one_per_line')}>
                  <textarea id={`list-${list}-values`} name="values" rows={8} aria-describedby={`list-${list}-values-hint`}>
                    {vocabulary[list].join('\n')}
                  </textarea>
                </Field>
                <Submit label={t('common.save')} />
              </form>
            )}
          </section>
        ))}
      </>
    ),
  });
}

// ---------------------------------------------------------------- imports

export type ImportOutcome = { imported: number; what: string; evaluationId: string } | { issues: ImportIssue[]; fileName: string } | undefined;

function ImportResult({ ctx, outcome }: { ctx: PageContext; outcome: ImportOutcome }) {
  const { t } = ctx;
  if (outcome === undefined) return null;
  if ('imported' in outcome) {
    return (
      <p class="notice" role="status">
        {t('eval.import.done', { count: outcome.imported })} <a href={`/evaluations/${outcome.evaluationId}`}>{t('eval.back')}</a>
      </p>
    );
  }
  return (
    <div class="error" role="alert">
      <p>{t('eval.import.rejected', { file: outcome.fileName })}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('eval.import.row')}</th>
            <th scope="col">{t('eval.import.column')}</th>
            <th scope="col">{t('eval.import.expected')}</th>
          </tr>
        </thead>
        <tbody>
          {outcome.issues.map((issue) => (
            <tr>
              <td class="num">{issue.row}</td>
              <td>
                <code>{issue.column}</code>
              </td>
              <td>{issue.expected}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Upload forms of an evaluation's recommendations and actions (CSV/XLSX), with the exports. */
export function tableImportPage(ctx: PageContext, evaluation: EvaluationRow, outcome?: ImportOutcome): string {
  const { t } = ctx;
  const base = `/api/evaluations/${evaluation.id}`;
  return renderPage({
    ctx,
    title: t('eval.import.title'),
    children: (
      <>
        <h1>{t('eval.import.title')}</h1>
        <p>
          <a href={`/evaluations/${evaluation.id}`}>{evaluation.title}</a>
        </p>
        <ImportResult ctx={ctx} outcome={outcome} />
        <p>{t('eval.import.intro')}</p>
        <form method="post" action={`/evaluations/${evaluation.id}/import`} enctype="multipart/form-data">
          <CsrfField ctx={ctx} />
          <fieldset>
            <legend>{t('eval.import.what')}</legend>
            <label class="check">
              <input type="radio" name="what" value="recommendations" checked /> {t('eval.recommendations')}
            </label>
            <label class="check">
              <input type="radio" name="what" value="actions" /> {t('eval.actions')}
            </label>
          </fieldset>
          <Field id="import-file" label={t('eval.import.file')} hint={t('eval.import.file_hint')}>
            <input id="import-file" name="file" type="file" accept=".csv,.xlsx" required aria-describedby="import-file-hint" />
          </Field>
          <Submit label={t('eval.import.submit')} secondary={false} />
        </form>
        <h2>{t('eval.export')}</h2>
        <ul>
          <li>
            <a href={`${base}/recommendations/export?format=csv`}>{t('eval.recommendations')} CSV</a> ·{' '}
            <a href={`${base}/recommendations/export?format=xlsx`}>{t('eval.recommendations')} XLSX</a>
          </li>
          <li>
            <a href={`${base}/actions/export?format=csv`}>{t('eval.actions')} CSV</a> · <a href={`${base}/actions/export?format=xlsx`}>{t('eval.actions')} XLSX</a>
          </li>
          <li>
            <a href={`${base}/document`}>{t('eval.import.whole')} JSON</a>
          </li>
        </ul>
      </>
    ),
  });
}

export type DocumentImportOutcome = { errors: Array<{ field: string; message: string }>; fileName: string } | undefined;

/** Upload form of a whole evaluation (the JSON document an export produced). */
export function documentImportPage(ctx: PageContext, outcome?: DocumentImportOutcome): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('eval.import.document_title'),
    children: (
      <>
        <h1>{t('eval.import.document_title')}</h1>
        <p>
          <a href="/evaluations">{t('eval.list.title')}</a>
        </p>
        {outcome && (
          <div class="error" role="alert">
            <p>{t('eval.import.rejected', { file: outcome.fileName })}</p>
            <ul>
              {outcome.errors.map((error) => (
                <li>
                  <code>{error.field}</code>: {error.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <p>{t('eval.import.document_intro')}</p>
        <form method="post" action="/evaluations/import" enctype="multipart/form-data">
          <CsrfField ctx={ctx} />
          <Field id="document-file" label={t('eval.import.file')}>
            <input id="document-file" name="file" type="file" accept=".json,application/json" required />
          </Field>
          <Submit label={t('eval.import.submit')} secondary={false} />
        </form>
      </>
    ),
  });
}
