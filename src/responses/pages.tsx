// Respondent pages: one page per group, plain HTML forms that work without JavaScript, small
// enough for a cheap phone on a slow network (no framework runtime, no web fonts). With scripts
// on, /assets/respondent.js re-evaluates relevance and checks answers with the same evaluator.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { parseExpression, referencedNames, type EvaluationContext } from '../instruments/expressions/evaluate.ts';
import {
  localise,
  MAX_REPEAT_ITEMS,
  type AnswerSet,
  type AnswerValue,
  type Choice,
  type InstrumentDefinition,
  type LocalText,
  type Page,
  type Question,
  type Repeat,
  type RepeatItem,
} from '../instruments/model.ts';
import type { Translate } from '../web/i18n/index.ts';
import { choicePasses, inputKeys, repeatCount, type AnswerIssue } from './answers.ts';
import type { ResourcePerson } from './service.ts';

export interface RespondentPageProps {
  t: Translate;
  /** The language the questions are shown in (one of the definition's languages). */
  formLang: string;
  definition: InstrumentDefinition;
  page: Page;
  pageIndex: number;
  pageCount: number;
  token: string;
  clientSubmissionId: string;
  csrfToken: string;
  /** Stored answers (all pages) and the stored items of this page when it is a repeat. */
  answers: AnswerSet;
  repeatItems: RepeatItem[] | undefined;
  resourcePersons: ResourcePerson[];
  issues: AnswerIssue[];
  /** Address to come back to later. */
  resumeUrl: string | undefined;
  languageLinks: Array<{ lang: string; label: string; href: string; current: boolean }>;
  /** Where the form posts (default: the link's own address); a staff preview posts to itself. */
  action?: string;
  /** Extra hidden fields (a preview carries its answers in the page instead of storing them). */
  hidden?: Record<string, string>;
  /** A notice above the form (a preview says that nothing is stored). */
  notice?: string;
}

export function renderRespondentPage(props: RespondentPageProps): string {
  const { t, definition, formLang, page } = props;
  const title = localise(definition.title, formLang, definition.languages);
  const rules = page.questions.map((q) => ({
    key: q.key,
    inputs: inputKeys(q),
    relevant: q.relevant,
    constraint: q.constraint,
    required: q.required === true,
    message: localise(q.constraintMessage, formLang, definition.languages) || t('respond.issue.constraint'),
    ...('choiceFilter' in q && q.choiceFilter !== undefined ? { choiceFilter: q.choiceFilter, choices: q.choices.map((c) => ({ ...c.columns, name: c.code })) } : {}),
  }));
  const pageLabel = localise(page.label, formLang, definition.languages);
  // With add/remove buttons on the page, Enter in a field must still mean "next": the first
  // submit button of a form is the one Enter presses.
  const defaultAction = props.pageIndex + 1 < props.pageCount ? 'next' : 'submit';
  return shell(formLang, `${localise(page.label, formLang, definition.languages)} · ${title}`, props.languageLinks, t, (
    <>
      {props.notice && (
        <p class="notice" role="note">
          {props.notice}
        </p>
      )}
      <h1>{title}</h1>
      <p class="muted">{t('respond.progress', { current: props.pageIndex + 1, total: props.pageCount })}</p>
      {props.issues.length > 0 && (
        <div class="error" role="alert" id="summary" tabindex={-1}>
          <p>{t('respond.errors_summary')}</p>
          <ul>
            {props.issues.map((issue) => (
              <li>
                <a href={`#${fieldId(issue.key, issue.itemIndex)}`}>{questionLabel(definition, issue.key, formLang)}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form method="post" action={props.action ?? `/r/${props.token}`} novalidate id="respondent-form">
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="_sid" value={props.clientSubmissionId} />
        <input type="hidden" name="_page" value={String(props.pageIndex)} />
        {Object.entries(props.hidden ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        {page.kind === 'repeat' && page.count === undefined && (
          <button type="submit" name="_action" value={defaultAction} class="visually-hidden" tabindex={-1} aria-hidden="true">
            {t(defaultAction === 'next' ? 'respond.next' : 'respond.submit')}
          </button>
        )}
        <h2>{pageLabel}</h2>
        {page.kind === 'group' && page.questions.map((q) => <QuestionField q={q} props={props} answers={props.answers} prefix="q" itemIndex={0} />)}
        {page.kind === 'resource_person_repeat' &&
          props.resourcePersons.map((person, index) => (
            <fieldset class="repeat">
              <legend>{person.name}</legend>
              {page.questions.map((q) => (
                <QuestionField q={q} props={props} answers={props.repeatItems?.find((item) => item.resourcePersonId === person.id)?.answers ?? {}} prefix={`r.${page.key}.${person.id}`} itemIndex={index + 1} />
              ))}
            </fieldset>
          ))}
        {page.kind === 'repeat' && <RepeatItems page={page} props={props} label={pageLabel} />}
        <div class="actions">
          {props.pageIndex > 0 && (
            <button type="submit" name="_action" value="back" class="secondary" formnovalidate>
              {t('respond.back')}
            </button>
          )}
          {props.pageIndex + 1 < props.pageCount ? (
            <button type="submit" name="_action" value="next">
              {t('respond.next')}
            </button>
          ) : (
            <button type="submit" name="_action" value="submit">
              {t('respond.submit')}
            </button>
          )}
        </div>
      </form>
      {props.resumeUrl && (
        <p class="muted small">
          {t('respond.saved_note')} <a href={props.resumeUrl}>{props.resumeUrl}</a>
        </p>
      )}
      <script type="application/json" id="form-rules" dangerouslySetInnerHTML={{ __html: jsonForScript({ rules, answers: props.answers, requiredMessage: t('respond.issue.required') }) }} />
      <script src="/assets/respondent.js" defer />
    </>
  ));
}

/** JSON inside <script>: `<` escaped so no text can close the element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function renderThanksPage(t: Translate, formLang: string, title: LocalText, languages: string[]): string {
  return shell(formLang, t('respond.thanks_title'), [], t, (
    <>
      <h1>{localise(title, formLang, languages)}</h1>
      <p role="status">{t('respond.thanks')}</p>
    </>
  ));
}

function shell(lang: string, title: string, languageLinks: RespondentPageProps['languageLinks'], t: Translate, children: ComponentChildren): string {
  return (
    '<!doctype html>' +
    renderToString(
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{title}</title>
          <link rel="stylesheet" href="/assets/tracer.css" />
          <link rel="stylesheet" href="/assets/respondent.css" />
        </head>
        <body>
          {languageLinks.length > 1 && (
            <nav aria-label={t('respond.language')} class="languages">
              <ul>
                {languageLinks.map((link) =>
                  link.current ? (
                    <li>
                      <span aria-current="true">{link.label}</span>
                    </li>
                  ) : (
                    <li>
                      <a href={link.href} hreflang={link.lang} lang={link.lang}>
                        {link.label}
                      </a>
                    </li>
                  ),
                )}
              </ul>
            </nav>
          )}
          <main id="main" class="respondent">
            {children}
          </main>
        </body>
      </html>,
    )
  );
}

export function fieldId(key: string, itemIndex: number): string {
  return `f-${itemIndex}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function questionLabel(definition: InstrumentDefinition, key: string, lang: string): string {
  const [questionKey, rowKey] = key.split('/');
  for (const page of definition.pages) {
    const q = page.questions.find((candidate) => candidate.key === questionKey);
    if (!q) continue;
    const label = localise(q.label, lang, definition.languages);
    if (q.type === 'matrix' && rowKey) return `${label}: ${localise(q.rows.find((r) => r.key === rowKey)?.label, lang, definition.languages)}`;
    return label;
  }
  return key;
}

interface FieldProps {
  q: Question;
  props: RespondentPageProps;
  answers: AnswerSet;
  prefix: string;
  itemIndex: number;
}

/** The items shown on a repeat page: as many as repeat_count says, else the stored ones (one empty item to begin with). */
export function itemsToShow(page: Repeat, stored: RepeatItem[] | undefined, answers: AnswerSet): AnswerSet[] {
  const count = repeatCount(page, answers);
  if (count === undefined) return stored ? stored.map((item) => item.answers) : [{}];
  return Array.from({ length: count }, (_, index) => stored?.[index]?.answers ?? {});
}

/** Each item in its fieldset; without repeat_count, "remove" per item and "add another" (plain form submits). */
function RepeatItems({ page, props, label }: { page: Repeat; props: RespondentPageProps; label: string }) {
  const { t } = props;
  const items = itemsToShow(page, props.repeatItems, props.answers);
  const editable = page.count === undefined;
  return (
    <>
      <input type="hidden" name="_items" value={String(items.length)} />
      {items.length === 0 && <p class="muted">{t('respond.no_items')}</p>}
      {items.map((answers, index) => (
        <fieldset class="repeat" id={`item-${index + 1}`}>
          <legend>{t('respond.item_n', { label, n: index + 1 })}</legend>
          {page.questions.map((q) => (
            <QuestionField q={q} props={props} answers={answers} prefix={`r.${page.key}.${index + 1}`} itemIndex={index + 1} />
          ))}
          {editable && (
            <button type="submit" name="_action" value={`remove-${index + 1}`} class="secondary" formnovalidate>
              {t('respond.remove_item', { label, n: index + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {editable && items.length < MAX_REPEAT_ITEMS && (
        <p>
          <button type="submit" name="_action" value="add" class="secondary" formnovalidate>
            {t('respond.add_item')}
          </button>
        </p>
      )}
    </>
  );
}

/**
 * Which choices to show without scripts: those passing the choice_filter when every question it
 * names is answered; otherwise each code once (the server refuses a choice the filter excludes).
 */
function shownChoices(question: Question, answers: AnswerSet, outer: AnswerSet): boolean[] | undefined {
  if (!('choiceFilter' in question) || question.choiceFilter === undefined) return undefined;
  const filter = question.choiceFilter;
  const ctx: EvaluationContext = { value: (name) => answers[name] ?? outer[name] };
  const decidable = referencedNames(parseExpression(filter)).every((name) => ctx.value(name) !== undefined);
  return question.choices.map((choice, index) =>
    decidable ? choicePasses(filter, choice, ctx) : question.choices.findIndex((other) => other.code === choice.code) === index,
  );
}

function QuestionField({ q, props, answers, prefix, itemIndex }: FieldProps) {
  const { t, formLang, definition } = props;
  const text = (value: LocalText | undefined) => localise(value, formLang, definition.languages);
  if (q.type === 'calculate') return null;
  const id = fieldId(q.key, itemIndex);
  const issuesOf = (key: string) => props.issues.filter((i) => i.key === key && i.itemIndex === itemIndex);
  const name = (key: string) => `${prefix}.${key}`;
  const label = (
    <>
      {text(q.label)}
      {q.required && <span class="muted"> {t('respond.required_mark')}</span>}
    </>
  );
  const hintId = q.hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const errorOf = (key: string) => {
    const issue = issuesOf(key)[0];
    const message = issue ? (issue.code === 'constraint' ? text(issue.constraintMessage) || t('respond.issue.constraint') : t(`respond.issue.${issue.code}`)) : '';
    return (
      <p class="field-error" id={key === q.key ? errorId : `${fieldId(key, itemIndex)}-error`} aria-live="polite">
        {message}
      </p>
    );
  };
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  const wrap = (children: ComponentChildren) => (
    <div class="question" data-key={q.key} data-item={String(itemIndex)} data-prefix={prefix}>
      {children}
    </div>
  );
  const hint = q.hint && (
    <p class="hint muted" id={hintId}>
      {text(q.hint)}
    </p>
  );
  const invalid = issuesOf(q.key).length > 0 ? 'true' : undefined;
  switch (q.type) {
    case 'note':
      return wrap(<p class="note">{text(q.label)}</p>);
    case 'single_choice':
    case 'scale':
      return wrap(
        <Choices id={id} legend={label} hint={hint} name={name(q.key)} choices={q.choices} shown={shownChoices(q, answers, props.answers)} value={answers[q.key]} multiple={false} describedBy={describedBy} text={text} error={errorOf(q.key)} />,
      );
    case 'multiple_choice':
    case 'knowledge':
      return wrap(
        <Choices
          id={id}
          legend={label}
          hint={hint}
          name={name(q.key)}
          choices={q.choices}
          shown={shownChoices(q, answers, props.answers)}
          value={answers[q.key]}
          multiple={q.type === 'multiple_choice' || q.multiple}
          describedBy={describedBy}
          text={text}
          error={errorOf(q.key)}
        />,
      );
    case 'rating': {
      const points: Choice[] = Array.from({ length: q.max }, (_, i) => ({ code: String(i + 1), label: { [formLang]: String(i + 1) } }));
      return wrap(<Choices id={id} legend={label} hint={hint} name={name(q.key)} choices={points} value={answers[q.key]} multiple={false} describedBy={describedBy} text={text} error={errorOf(q.key)} inline />);
    }
    case 'matrix':
      return wrap(
        <fieldset id={id}>
          <legend>{label}</legend>
          {hint}
          {q.rows.map((row) => {
            const key = `${q.key}/${row.key}`;
            return (
              <Choices id={fieldId(key, itemIndex)} legend={text(row.label)} name={name(key)} choices={q.choices} value={answers[key]} multiple={false} describedBy={`${fieldId(key, itemIndex)}-error`} text={text} error={errorOf(key)} inline />
            );
          })}
        </fieldset>,
      );
    case 'text':
      return wrap(
        <>
          <label for={id}>{label}</label>
          {hint}
          {q.long ? (
            <textarea id={id} name={name(q.key)} rows={4} aria-describedby={describedBy} aria-invalid={invalid}>
              {String(answers[q.key] ?? '')}
            </textarea>
          ) : (
            <input id={id} name={name(q.key)} type="text" value={String(answers[q.key] ?? '')} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
          {errorOf(q.key)}
        </>,
      );
    case 'integer':
    case 'decimal':
    case 'date':
      return wrap(
        <>
          <label for={id}>{label}</label>
          {hint}
          {q.type === 'date' ? (
            <input id={id} name={name(q.key)} type="date" value={String(answers[q.key] ?? '')} aria-describedby={describedBy} aria-invalid={invalid} />
          ) : (
            <input
              id={id}
              name={name(q.key)}
              type="text"
              inputmode={q.type === 'integer' ? 'numeric' : 'decimal'}
              value={answers[q.key] === undefined ? '' : String(answers[q.key])}
              aria-describedby={describedBy}
              aria-invalid={invalid}
            />
          )}
          {errorOf(q.key)}
        </>,
      );
  }
}

function Choices(p: {
  id: string;
  legend: ComponentChildren;
  hint?: ComponentChildren;
  name: string;
  choices: Choice[];
  /** Per choice, whether it is shown (choice_filter); all when absent. */
  shown?: boolean[];
  value: AnswerValue | undefined;
  multiple: boolean;
  describedBy: string;
  text: (value: LocalText | undefined) => string;
  error: ComponentChildren;
  inline?: boolean;
}) {
  const selected = new Set([p.value ?? []].flat().map(String));
  return (
    <fieldset id={p.id} aria-describedby={p.describedBy} class={p.inline ? 'inline-choices' : undefined}>
      <legend>{p.legend}</legend>
      {p.hint}
      {p.choices.map((choice, index) => (
        <label class="choice" for={`${p.id}-${index}`} data-choice={p.shown ? String(index) : undefined} hidden={p.shown ? !p.shown[index] : undefined}>
          <input id={`${p.id}-${index}`} type={p.multiple ? 'checkbox' : 'radio'} name={p.name} value={choice.code} checked={selected.has(choice.code) && (p.shown?.[index] ?? true)} />{' '}
          {p.text(choice.label)}
        </label>
      ))}
      {p.error}
    </fieldset>
  );
}
