// The dashboard's charts: SVG drawn on the server by Observable Plot (@observablehq/plot, the
// maintained successor of d3's chart idioms, made for exactly this: scales, axes, marks, ARIA
// labels). Plot builds its SVG through a `document`; on the server that is linkedom's, a light DOM
// implementation with no layout engine (Plot needs none: it measures no text), so no browser and
// no jsdom are involved and nothing but the finished SVG reaches the page. Plot's inline <style>
// element is removed (the CSP forbids inline styles; tracer.css styles `.chart svg`).
//
// Every chart comes with its text alternative (a table under it, rendered by pages.tsx) and shows
// n next to each point or bar. Its accessible name and description are set by pages.tsx on the
// element around the SVG (Preact escapes them; linkedom's serialiser leaves `&` and `<` raw in
// attributes), so the SVG itself is aria-hidden and carries only text Plot escapes as text nodes. Suppressed cells are drawn as nothing and labelled "suppressed";
// they are never plotted as zero.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export interface ChartPoint {
  /** The category or year label on the horizontal axis. */
  label: string;
  /** Null when suppressed or not computable. */
  value: number | null;
  low: number | null;
  high: number | null;
  n: number;
  suppressed: boolean;
}

export interface ChartOptions {
  /** Shares are drawn as percentages on a 0–100 % axis. */
  percent: boolean;
  /** Drawn as a horizontal rule when known. */
  target: number | null;
  /** The words for "suppressed" and "n" in the page's language. */
  suppressedLabel: string;
  nLabel: string;
  targetLabel: string;
  /** Line through the points (a trend over years) or bars (a comparison of groups). */
  kind: 'line' | 'bars';
}

function newDocument() {
  return parseHTML('<!doctype html><html><body></body></html>').document;
}

/** The SVG of one chart, as a string to embed in the page. */
export function chartSvg(points: readonly ChartPoint[], options: ChartOptions): string {
  const document = newDocument();
  const shown = points.filter((p) => p.value !== null);
  const values = shown.flatMap((p) => [p.value!, p.high ?? p.value!]).concat(options.target === null ? [] : [options.target]);
  const top = options.percent ? 1 : Math.max(1, ...values) * 1.15;
  const labelFor = (p: ChartPoint) => (p.suppressed ? `${options.suppressedLabel} (${options.nLabel} = ${p.n})` : `${options.nLabel} = ${p.n}`);
  const domain = points.map((p) => p.label);
  const marks: Plot.Markish[] = [Plot.ruleY([0])];
  if (options.kind === 'bars') {
    marks.push(Plot.barY(shown, { x: 'label', y: 'value', fill: 'var(--chart-bar, #3b6ea5)' }));
  } else {
    marks.push(Plot.lineY(shown, { x: 'label', y: 'value', stroke: 'var(--chart-line, #3b6ea5)', strokeWidth: 2 }));
    marks.push(Plot.dot(shown, { x: 'label', y: 'value', fill: 'var(--chart-line, #3b6ea5)', r: 4 }));
  }
  const withInterval = shown.filter((p) => p.low !== null && p.high !== null);
  marks.push(Plot.ruleX(withInterval, { x: 'label', y1: 'low', y2: 'high', stroke: 'currentColor', strokeWidth: 1.5 }));
  if (options.target !== null) {
    marks.push(Plot.ruleY([options.target], { stroke: 'var(--chart-target, #b45309)', strokeDasharray: '6 4' }));
    marks.push(Plot.text([options.target], { y: (d: number) => d, frameAnchor: 'right', dy: -6, text: () => options.targetLabel, fill: 'var(--chart-target, #b45309)' }));
  }
  // n above every category, and "suppressed" where there is no value: visible, also in print.
  marks.push(Plot.text(points, { x: 'label', y: (p: ChartPoint) => (p.value === null ? 0 : (p.high ?? p.value)), dy: -10, text: labelFor, fill: 'currentColor' }));
  const svg = Plot.plot({
    document,
    width: Math.max(360, Math.min(720, 120 * points.length + 80)),
    height: 280,
    marginTop: 24,
    marginBottom: 36,
    x: { type: 'band', domain, label: null, padding: options.kind === 'bars' ? 0.3 : 0.5 },
    // With `percent` Plot multiplies the values by 100, the explicit domain not: give it in percent.
    y: { domain: [0, options.percent ? 100 : top], grid: true, percent: options.percent, label: options.percent ? '%' : null, nice: !options.percent },
    marks,
  }) as unknown as { querySelector(selector: string): { remove(): void } | null; setAttribute(name: string, value: string): void; outerHTML: string };
  svg.querySelector('style')?.remove();
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'plot');
  return svg.outerHTML;
}

export interface DistributionBand {
  /** The band's label on the horizontal axis, e.g. "40–60%". */
  label: string;
  /** Participants in the band per series; null: the series is suppressed (not drawn). */
  counts: ReadonlyArray<number | null>;
}

export interface DistributionOptions {
  /** The series' names in the page's language (e.g. pre-test, post-test), drawn under their bars. */
  series: readonly string[];
}

/**
 * The SVG of a distribution: for each band, one bar per series side by side (Plot's fx facets),
 * each named under it and with its count above it, so that neither colour nor a legend is needed.
 */
export function distributionSvg(bands: readonly DistributionBand[], options: DistributionOptions): string {
  const document = newDocument();
  const data = bands.flatMap((band) => options.series.flatMap((series, index) => (band.counts[index] === null ? [] : [{ band: band.label, series, count: band.counts[index]! }])));
  const top = Math.max(1, ...data.map((d) => d.count));
  const fills = ['var(--chart-bar, #3b6ea5)', 'var(--chart-target, #b45309)'];
  const svg = Plot.plot({
    document,
    width: Math.max(420, Math.min(760, 140 * bands.length + 60)),
    height: 300,
    marginTop: 30,
    marginBottom: 36,
    fx: { domain: bands.map((band) => band.label), label: null, axis: 'top', padding: 0.15 },
    x: { domain: [...options.series], label: null, padding: 0.1 },
    y: { domain: [0, Math.ceil(top * 1.2)], grid: true, label: null },
    marks: [
      Plot.ruleY([0]),
      Plot.barY(data, { fx: 'band', x: 'series', y: 'count', fill: (d: { series: string }) => fills[options.series.indexOf(d.series) % fills.length] }),
      Plot.text(data, { fx: 'band', x: 'series', y: 'count', dy: -8, text: (d: { count: number }) => String(d.count), fill: 'currentColor' }),
    ],
  }) as unknown as { querySelector(selector: string): { remove(): void } | null; setAttribute(name: string, value: string): void; outerHTML: string };
  svg.querySelector('style')?.remove();
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'plot');
  return svg.outerHTML;
}
