// Progressive enhancement of the respondent form (bundled by esbuild into /assets/respondent.js).
// Uses the very evaluator the server uses: questions appear and disappear as answers change, and
// answers are checked before the page is sent. The server checks everything again.
import { holds, type EvaluationContext } from '../../instruments/expressions/evaluate.ts';

interface Rule {
  key: string;
  inputs: string[];
  relevant?: string;
  constraint?: string;
  required: boolean;
  message: string;
  /** choice_filter and, per choice in page order, its columns (`name` = code). */
  choiceFilter?: string;
  choices?: Array<Record<string, string>>;
}

type Value = string | string[] | undefined;

const rulesElement = document.getElementById('form-rules');
const form = document.getElementById('respondent-form') as HTMLFormElement | null;

if (rulesElement && form) {
  const { rules, answers, requiredMessage } = JSON.parse(rulesElement.textContent ?? '{}') as {
    rules: Rule[];
    answers: Record<string, string | number | string[]>;
    requiredMessage: string;
  };
  const ruleByKey = new Map(rules.map((rule) => [rule.key, rule]));
  const wrappers = Array.from(form.querySelectorAll<HTMLElement>('[data-key]'));

  const prefixOf = (wrapper: HTMLElement): string => wrapper.dataset.prefix ?? 'q';

  const read = (name: string): Value => {
    const fields = Array.from(form.elements).filter((el): el is HTMLInputElement => (el as HTMLInputElement).name === name) as HTMLInputElement[];
    if (fields.length === 0) return undefined;
    const first = fields[0]!;
    if (first.type === 'checkbox') return fields.filter((f) => f.checked).map((f) => f.value);
    if (first.type === 'radio') return fields.find((f) => f.checked)?.value;
    return first.value.trim() === '' ? undefined : first.value.trim();
  };

  const contextFor = (prefix: string, self?: Value): EvaluationContext => ({
    value: (name) => {
      const live = read(`${prefix}.${name}`) ?? read(`q.${name}`);
      return live ?? answers[name];
    },
    self,
  });

  // A choice the filter excludes is hidden and unticked, so that it is never sent.
  const filterChoices = (wrapper: HTMLElement, rule: Rule) => {
    if (!rule.choiceFilter || !rule.choices) return;
    const ctx = contextFor(prefixOf(wrapper));
    for (const label of Array.from(wrapper.querySelectorAll<HTMLElement>('[data-choice]'))) {
      const columns = rule.choices[Number(label.dataset.choice)] ?? {};
      const shown = holds(rule.choiceFilter, { ...ctx, choice: (column) => columns[column] });
      label.hidden = !shown;
      const input = label.querySelector('input');
      if (!shown && input?.checked) input.checked = false;
    }
  };

  const update = () => {
    for (const wrapper of wrappers) {
      const rule = ruleByKey.get(wrapper.dataset.key ?? '');
      if (!rule) continue;
      wrapper.hidden = !holds(rule.relevant, contextFor(prefixOf(wrapper)));
      filterChoices(wrapper, rule);
    }
  };

  const errorElement = (wrapper: HTMLElement, key: string): HTMLElement | null => {
    const id = `f-${wrapper.dataset.item}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}-error`;
    return document.getElementById(id);
  };

  const check = (): HTMLElement | undefined => {
    let firstInvalid: HTMLElement | undefined;
    for (const wrapper of wrappers) {
      const rule = ruleByKey.get(wrapper.dataset.key ?? '');
      if (!rule) continue;
      const prefix = prefixOf(wrapper);
      for (const input of rule.inputs) {
        const target = errorElement(wrapper, input);
        if (!target) continue;
        let message = '';
        if (!wrapper.hidden) {
          const value = read(`${prefix}.${input}`);
          const empty = value === undefined || (Array.isArray(value) && value.length === 0);
          if (empty && rule.required) message = requiredMessage;
          else if (!empty && rule.constraint && !holds(rule.constraint, contextFor(prefix, value))) message = rule.message;
        }
        target.textContent = message;
        if (message && !firstInvalid) firstInvalid = wrapper;
      }
    }
    return firstInvalid;
  };

  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', (event) => {
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    // Back, add and remove save without checking (as the server does); next and submit check first.
    if (submitter && (submitter.value === 'back' || submitter.value === 'add' || submitter.value.startsWith('remove-'))) return;
    const invalid = check();
    if (invalid) {
      event.preventDefault();
      invalid.querySelector<HTMLElement>('input, textarea')?.focus();
    }
  });
  update();
}
