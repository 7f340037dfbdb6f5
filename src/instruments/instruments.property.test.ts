// Property-based tests (fast-check) of what reads untrusted instrument input: the expression
// parser and evaluator, and the XLSForm importer. Whatever the input, the answer is a value or
// a clear, named refusal — never a crash, never a hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as XLSX from 'xlsx';
import { fuzzParameters, HOSTILE_SNIPPETS } from '../testing/fuzz.ts';
import { evaluate, ExpressionError, parseExpression, type EvaluationContext } from './expressions/evaluate.ts';
import { importXlsForm } from './xlsform.ts';

const TOKENS = [
  '${age}', '${q1}', '${multi}', '${missing}', '.', ' ', '(', ')', ',', '+', '-', '*', ' div ', ' mod ', '=', '!=', '<', '<=', '>', '>=',
  ' and ', ' or ', 'not(', 'selected(', 'count-selected(', 'string-length(', 'if(', 'today()', 'concat(', 'round(', 'regex(', 'substr(', 'coalesce(', 'sqrt(', 'unknown_fn(',
  "'yes'", '"no"', "'", '"', '0', '1', '2.5', '-3', '1e309', '99999999999999999999', '$', '{', '}', '[', ']', '/', '@', '|', '\\',
];

const expressionText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }).map((parts) => parts.join('')),
);

const context = (values: Record<string, string | number | string[] | undefined>): EvaluationContext => ({
  value: (name) => values[name],
  self: values.q1,
  today: '2026-11-22',
});

const answerValue = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 12 }), fc.double(), fc.integer(), fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }));

describe('expressions under arbitrary input', () => {
  it('parse into an expression or fail with an ExpressionError naming the position', () => {
    fc.assert(
      fc.property(expressionText, (source) => {
        try {
          parseExpression(source);
        } catch (error) {
          assert.ok(error instanceof ExpressionError, `unexpected ${(error as Error).name}: ${(error as Error).message}`);
          assert.ok(error.offset >= 0 && error.offset <= source.length);
          assert.match(error.message, /cannot parse/);
        }
      }),
      fuzzParameters(2000),
    );
  });

  it('evaluate to a value (or an ExpressionError for an unknown function) whatever the answers', () => {
    fc.assert(
      fc.property(expressionText, fc.record({ age: answerValue, q1: answerValue, multi: answerValue }), (source, values) => {
        let expr;
        try {
          expr = parseExpression(source);
        } catch {
          return;
        }
        try {
          const value = evaluate(expr, context(values));
          assert.ok(['string', 'number', 'boolean'].includes(typeof value) || Array.isArray(value), `odd value ${String(value)}`);
        } catch (error) {
          assert.ok(error instanceof ExpressionError, `unexpected ${(error as Error).name}: ${(error as Error).message}`);
        }
      }),
      fuzzParameters(2000),
    );
  });
});

const SURVEY_TYPES = [
  'text', 'integer', 'decimal', 'date', 'note', 'calculate', 'select_one yn', 'select_multiple colours', 'select_one missing_list',
  'begin_group', 'end_group', 'begin_repeat', 'end_repeat', 'geopoint', 'image', 'acknowledge', 'select_one', '', 'begin group', 'end group',
];
const cell = fc.oneof(fc.constantFrom(...HOSTILE_SNIPPETS), fc.string({ maxLength: 20 }), expressionText);
const surveyRow = fc.record({
  type: fc.constantFrom(...SURVEY_TYPES),
  name: fc.oneof(fc.constantFrom('q1', 'q2', 'age', 'grp', 'q1', ''), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/), cell),
  label: cell,
  'label::French (fr)': cell,
  relevant: fc.oneof(fc.constant(''), expressionText),
  constraint: fc.oneof(fc.constant(''), expressionText),
  required: fc.constantFrom('', 'yes', 'true()', 'maybe', '${q1} = 1'),
  calculation: fc.oneof(fc.constant(''), expressionText),
});
const choiceRow = fc.record({ list_name: fc.constantFrom('yn', 'colours', ''), name: fc.constantFrom('yes', 'no', 'red', 'yes', '', 'a b'), label: cell });

function workbook(survey: object[], choices: object[] | undefined, settings: object[] | undefined, bookType: 'xlsx' | 'xls'): Buffer {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.json_to_sheet(survey), 'survey');
  if (choices) XLSX.utils.book_append_sheet(book, XLSX.utils.json_to_sheet(choices), 'choices');
  if (settings) XLSX.utils.book_append_sheet(book, XLSX.utils.json_to_sheet(settings), 'settings');
  return XLSX.write(book, { type: 'buffer', bookType }) as Buffer;
}

describe('the XLSForm importer under arbitrary workbooks', () => {
  it('imports or refuses with named problems, never throws', () => {
    fc.assert(
      fc.property(
        fc.array(surveyRow, { minLength: 1, maxLength: 12 }),
        fc.option(fc.array(choiceRow, { maxLength: 8 }), { nil: undefined }),
        fc.option(fc.array(fc.record({ form_id: cell, default_language: fc.constantFrom('English (en)', 'fr', 'klingon', '') }), { maxLength: 1 }), { nil: undefined }),
        fc.constantFrom('xlsx' as const, 'xls' as const),
        (survey, choices, settings, bookType) => {
          const result = importXlsForm(workbook(survey, choices, settings, bookType), `fuzz.${bookType}`);
          if (!result.ok) {
            assert.ok(result.problems.length > 0, 'a refusal says why');
            for (const problem of result.problems) assert.ok(typeof problem === 'string' && problem.trim().length > 0);
          } else {
            assert.ok(result.definition, 'an accepted form has a definition');
          }
        },
      ),
      fuzzParameters(150),
    );
  });

  it('refuses bytes that are not a workbook', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const result = importXlsForm(Buffer.from(bytes), 'random.xlsx');
        if (!result.ok) assert.ok(result.problems.length > 0);
      }),
      fuzzParameters(300),
    );
  });
});
