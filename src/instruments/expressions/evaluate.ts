// Parses and evaluates XLSForm expressions with XPath 1.0 value rules. The same module runs on
// the server and, bundled by esbuild, in the respondent's browser: both sides must agree.
import type { Expr } from './ast.ts';
import { parse as parseGenerated } from './parser.js';

export type XValue = string | number | boolean;

/** What an expression can see: answers by question key, and `.` (the answer being checked). */
export interface EvaluationContext {
  value(name: string): string | number | string[] | undefined;
  self?: string | number | string[] | undefined;
  /** Today's date as YYYY-MM-DD (fixed in tests). */
  today?: string;
  /** In a choice_filter: the columns of the choice being filtered (`name` is its code). */
  choice?: (column: string) => string | undefined;
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseExpression(source: string): Expr {
  try {
    return parseGenerated(source) as Expr;
  } catch (error) {
    const { message, location } = error as { message: string; location?: { start: { offset: number; column: number } } };
    const column = location ? ` at column ${location.start.column}` : '';
    throw new ExpressionError(`cannot parse "${source}"${column}: ${message}`, location?.start.offset ?? 0);
  }
}

type Fn = (args: XValue[], ctx: EvaluationContext, raw: Expr[]) => XValue;

const functions: Record<string, Fn> = {
  selected: ([list, code]) => toList(list).includes(toText(code)),
  'count-selected': ([list]) => toList(list).length,
  'string-length': ([s]) => [...toText(s ?? '')].length,
  if: ([condition, whenTrue, whenFalse]) => (toBoolean(condition) ? whenTrue! : whenFalse!),
  not: ([b]) => !toBoolean(b),
  true: () => true,
  false: () => false,
  boolean: ([v]) => toBoolean(v),
  number: ([v]) => toNumber(v),
  string: ([v]) => toText(v),
  int: ([v]) => Math.trunc(toNumber(v)),
  round: ([v, digits]) => {
    const factor = 10 ** (digits === undefined ? 0 : toNumber(digits));
    return Math.round(toNumber(v) * factor) / factor;
  },
  floor: ([v]) => Math.floor(toNumber(v)),
  ceiling: ([v]) => Math.ceil(toNumber(v)),
  abs: ([v]) => Math.abs(toNumber(v)),
  concat: (args) => args.map(toText).join(''),
  coalesce: ([a, b]) => (toText(a) !== '' ? a! : b!),
  contains: ([s, t]) => toText(s).includes(toText(t)),
  'starts-with': ([s, t]) => toText(s).startsWith(toText(t)),
  substr: ([s, start, end]) => toText(s).slice(toNumber(start), end === undefined ? undefined : toNumber(end)),
  regex: ([s, pattern]) => {
    let compiled: RegExp;
    try {
      compiled = new RegExp(toText(pattern));
    } catch {
      throw new ExpressionError(`regex(): "${toText(pattern)}" is not a valid regular expression`, 0);
    }
    return compiled.test(toText(s));
  },
  today: (_args, ctx) => ctx.today ?? new Date().toISOString().slice(0, 10),
  now: (_args, ctx) => ctx.today ?? new Date().toISOString().slice(0, 10),
  date: ([v]) => (typeof v === 'number' ? daysToDate(v) : toText(v)),
};

export const supportedFunctions: ReadonlySet<string> = new Set(Object.keys(functions));

const arity: Record<string, [number, number]> = {
  selected: [2, 2], 'count-selected': [1, 1], 'string-length': [0, 1], if: [3, 3], not: [1, 1], true: [0, 0],
  false: [0, 0], boolean: [1, 1], number: [1, 1], string: [1, 1], int: [1, 1], round: [1, 2], floor: [1, 1],
  ceiling: [1, 1], abs: [1, 1], concat: [0, 99], coalesce: [2, 2], contains: [2, 2], 'starts-with': [2, 2],
  substr: [2, 3], regex: [2, 2], today: [0, 0], now: [0, 0], date: [1, 1],
};

/**
 * Problems that make an expression unusable here: unknown functions, wrong argument counts, bad
 * references. Bare names (columns of the choices sheet) are allowed only when `choiceColumns` is
 * given, i.e. in a choice_filter; `undefined` columns accepts any column name.
 */
export function checkExpression(
  expr: Expr,
  knownNames: ReadonlySet<string> | undefined,
  choiceColumns?: ReadonlySet<string> | 'any',
): string[] {
  const problems: string[] = [];
  visit(expr, (node) => {
    if (node.kind === 'column') {
      if (!choiceColumns) problems.push(`"${node.name}" is not an expression: write \${${node.name}} to name a question (bare names are columns of the choices sheet, only in a choice_filter)`);
      else if (choiceColumns !== 'any' && !choiceColumns.has(node.name)) problems.push(`"${node.name}" is not a column of the choices sheet`);
    }
    if (node.kind === 'call') {
      const range = arity[node.name];
      if (!range) problems.push(`unsupported function ${node.name}()`);
      else if (node.args.length < range[0] || node.args.length > range[1]) {
        problems.push(`${node.name}() takes ${range[0] === range[1] ? range[0] : `${range[0]} to ${range[1]}`} argument(s), not ${node.args.length}`);
      }
    }
    if (node.kind === 'ref' && knownNames && !knownNames.has(node.name)) problems.push(`\${${node.name}} names no question`);
  });
  return problems;
}

export function referencedNames(expr: Expr): string[] {
  const names: string[] = [];
  visit(expr, (node) => {
    if (node.kind === 'ref') names.push(node.name);
  });
  return names;
}

function visit(expr: Expr, action: (node: Expr) => void): void {
  action(expr);
  if (expr.kind === 'neg') visit(expr.operand, action);
  else if (expr.kind === 'binary') {
    visit(expr.left, action);
    visit(expr.right, action);
  } else if (expr.kind === 'call') expr.args.forEach((arg) => visit(arg, action));
}

export function evaluate(expr: Expr, ctx: EvaluationContext): XValue {
  switch (expr.kind) {
    case 'num':
    case 'str':
      return expr.value;
    case 'ref':
      return fromAnswer(ctx.value(expr.name));
    case 'self':
      return fromAnswer(ctx.self);
    case 'column':
      if (!ctx.choice) throw new ExpressionError(`"${expr.name}" names a column of the choices sheet outside a choice_filter`, 0);
      return ctx.choice(expr.name) ?? '';
    case 'neg':
      return -toNumber(evaluate(expr.operand, ctx));
    case 'call': {
      const fn = functions[expr.name];
      if (!fn) throw new ExpressionError(`unsupported function ${expr.name}()`, expr.offset);
      const [fewest, most] = arity[expr.name]!;
      if (expr.args.length < fewest || expr.args.length > most) {
        throw new ExpressionError(`${expr.name}() takes ${fewest === most ? fewest : `${fewest} to ${most}`} argument(s), not ${expr.args.length}`, expr.offset);
      }
      if (expr.name === 'if') {
        const [condition, whenTrue, whenFalse] = expr.args;
        return evaluate(toBoolean(evaluate(condition!, ctx)) ? whenTrue! : whenFalse!, ctx);
      }
      return fn(expr.args.map((arg) => evaluate(arg, ctx)), ctx, expr.args);
    }
    case 'binary':
      return binary(expr.op, expr.left, expr.right, ctx);
  }
}

function binary(op: Extract<Expr, { kind: 'binary' }>['op'], leftExpr: Expr, rightExpr: Expr, ctx: EvaluationContext): XValue {
  if (op === 'or') return toBoolean(evaluate(leftExpr, ctx)) || toBoolean(evaluate(rightExpr, ctx));
  if (op === 'and') return toBoolean(evaluate(leftExpr, ctx)) && toBoolean(evaluate(rightExpr, ctx));
  const left = evaluate(leftExpr, ctx);
  const right = evaluate(rightExpr, ctx);
  switch (op) {
    case '=':
    case '!=': {
      const equal = equals(left, right);
      return op === '=' ? equal : !equal;
    }
    case '<':
      return toNumber(left) < toNumber(right);
    case '<=':
      return toNumber(left) <= toNumber(right);
    case '>':
      return toNumber(left) > toNumber(right);
    case '>=':
      return toNumber(left) >= toNumber(right);
    case '+':
      return toNumber(left) + toNumber(right);
    case '-':
      return toNumber(left) - toNumber(right);
    case '*':
      return toNumber(left) * toNumber(right);
    case 'div':
      return toNumber(left) / toNumber(right);
    case 'mod':
      return toNumber(left) % toNumber(right);
  }
}

// XPath 1.0: booleans compare as booleans, then numbers as numbers, else as strings.
function equals(left: XValue, right: XValue): boolean {
  if (typeof left === 'boolean' || typeof right === 'boolean') return toBoolean(left) === toBoolean(right);
  if (typeof left === 'number' || typeof right === 'number') return toNumber(left) === toNumber(right);
  return left === right;
}

function fromAnswer(value: string | number | string[] | undefined): XValue {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(' ') : value;
}

export function toBoolean(value: XValue | undefined): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return (value ?? '') !== '';
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** Numbers; ISO dates become days since 1970-01-01 (so dates compare and subtract); '' is NaN. */
export function toNumber(value: XValue | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = (value ?? '').trim();
  if (text === '') return Number.NaN;
  const date = ISO_DATE.exec(text);
  if (date) return Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) / 86_400_000;
  return Number(text);
}

export function toText(value: XValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  return String(value);
}

function toList(value: XValue | undefined): string[] {
  return toText(value).split(/\s+/).filter((part) => part !== '');
}

function daysToDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Parse (cached) and evaluate to a boolean; an empty expression is true. */
const cache = new Map<string, Expr>();
export function holds(source: string | undefined, ctx: EvaluationContext): boolean {
  if (source === undefined || source.trim() === '') return true;
  let expr = cache.get(source);
  if (!expr) {
    expr = parseExpression(source);
    cache.set(source, expr);
  }
  return toBoolean(evaluate(expr, ctx));
}

export function compute(source: string, ctx: EvaluationContext): XValue {
  let expr = cache.get(source);
  if (!expr) {
    expr = parseExpression(source);
    cache.set(source, expr);
  }
  return evaluate(expr, ctx);
}
