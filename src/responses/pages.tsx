// Respondent pages: one page per group, plain HTML forms that work without JavaScript, small
// enough for a cheap phone on a slow network (no framework runtime, no web fonts). With scripts
// on, /assets/respondent.js re-evaluates relevance and checks answers with the same evaluator.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { localise, type AnswerSet, type AnswerValue, type Choice, type InstrumentDefinition, type LocalText, type Page, type Question } from '../instruments/model.ts';
import type { Translate } from '../web/i18n/index.ts';
import { inputKeys, type AnswerIssue } from './answers.ts';
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
  /** Stored answers (all pages) and, for repeats, per resource person. */
  answers: AnswerSet;
  repeatAnswers: Record<string, AnswerSet>;
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
  }));
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
        <h2>{localise(page.label, formLang, definition.languages)}</h2>
        {page.kind === 'group'
          ? page.questions.map((q) => <QuestionField q={q} props={props} answers={props.answers} prefix="q" itemIndex={0} />)
          : props.resourcePersons.map((person, index) => (
              <fieldset class="repeat">
                <legend>{person.name}</legend>
                {page.questions.map((q) => (
                  <QuestionField q={q} props={props} answers={props.repeatAnswers[person.id] ?? {}} prefix={`r.${page.key}.${person.id}`} itemIndex={index + 1} />
                ))}
              </fieldset>
            ))}
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
      return wrap(<Choices id={id} legend={label} hint={hint} name={name(q.key)} choices={q.choices} value={answers[q.key]} multiple={false} describedBy={describedBy} text={text} error={errorOf(q.key)} />);
    case 'multiple_choice':
    case 'knowledge':
      return wrap(
        <Choices id={id} legend={label} hint={hint} name={name(q.key)} choices={q.choices} value={answers[q.key]} multiple={q.type === 'multiple_choice' || q.multiple} describedBy={describedBy} text={text} error={errorOf(q.key)} />,
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
        <label class="choice" for={`${p.id}-${index}`}>
          <input id={`${p.id}-${index}`} type={p.multiple ? 'checkbox' : 'radio'} name={p.name} value={choice.code} checked={selected.has(choice.code)} />{' '}
          {p.text(choice.label)}
        </label>
      ))}
      {p.error}
    </fieldset>
  );
}
