// Reading the engine's figures back out of a page: rows and cells that show a KPI record carry its
// raw numbers in data-* attributes (dashboard/pages.tsx `dataOf`), so tests compare pages with
// /api/kpi and `tracer kpi` field by field rather than by eye.
import { parseHTML } from 'linkedom';
import type { KpiRecord } from '../analytics/output.ts';

export const FIGURE_FIELDS = ['indicator', 'period', 'value', 'ci-low', 'ci-high', 'n', 'missing', 'suppressed', 'baseline', 'target'] as const;

export type Figures = Record<(typeof FIGURE_FIELDS)[number], string> & { group?: string; text: string };

/** The data-* figures of the elements `selector` finds, with their visible text. */
export function figuresOf(html: string, selector: string): Figures[] {
  const { document } = parseHTML(html);
  return [...document.querySelectorAll(selector)].map((element) => {
    const found = { text: element.textContent ?? '' } as Figures;
    for (const name of FIGURE_FIELDS) found[name] = element.getAttribute(`data-${name}`) ?? '';
    const group = element.getAttribute('data-group');
    if (group !== null) found.group = group;
    return found;
  });
}

/** An API record as a page writes it into data-* attributes. */
export function expectedFigures(record: KpiRecord): Record<(typeof FIGURE_FIELDS)[number], string> {
  const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  return {
    indicator: record.indicator,
    period: record.period,
    value: text(record.value),
    'ci-low': text(record.ci_low),
    'ci-high': text(record.ci_high),
    n: text(record.denominator),
    missing: text(record.n_missing),
    suppressed: text(record.suppressed),
    baseline: text(record.baseline),
    target: text(record.target),
  };
}

/** The figures without the visible text and group, for comparing with expectedFigures(). */
export function rawFigures({ text: _text, group: _group, ...figures }: Figures): Record<(typeof FIGURE_FIELDS)[number], string> {
  return figures;
}
