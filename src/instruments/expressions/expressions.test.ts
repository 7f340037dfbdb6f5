import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { checkExpression, evaluate, ExpressionError, parseExpression } from './evaluate.ts';
import vectors from './vectors.json' with { type: 'json' };

export interface Vector {
  expression: string;
  values: Record<string, string | number | string[]>;
  self?: string | number;
  /** Columns of the choice a choice_filter is evaluated on. */
  choice?: Record<string, string>;
  today?: string;
  expected: string | number | boolean;
}

describe('expression evaluator (server side of the shared vectors)', () => {
  for (const vector of vectors as Vector[]) {
    it(`${vector.expression} with ${JSON.stringify(vector.values)} → ${JSON.stringify(vector.expected)}`, () => {
      const result = evaluate(parseExpression(vector.expression), {
        value: (name) => vector.values[name],
        self: vector.self,
        today: vector.today,
        choice: vector.choice ? (column) => vector.choice![column] : undefined,
      });
      assert.deepEqual(result, vector.expected);
    });
  }
});

describe('expression parser', () => {
  it('refuses malformed expressions with the column', () => {
    assert.throws(() => parseExpression('${a} >= '), (error: unknown) => error instanceof ExpressionError && /column/.test(error.message));
    assert.throws(() => parseExpression("${a = 'x'"), ExpressionError);
    assert.throws(() => parseExpression('/data/q1 = 2'), ExpressionError);
  });

  it('names unsupported functions, wrong arities and unknown references', () => {
    const problems = checkExpression(parseExpression("pulldata('f', 'x', 'y', ${a}) and selected(${b})"), new Set(['a']));
    assert.deepEqual(problems, ['unsupported function pulldata()', 'selected() takes 2 argument(s), not 1', '${b} names no question']);
  });

  it('reads bare names as columns of the choices sheet, allowed only in a choice_filter', () => {
    const filter = parseExpression('cf = ${state} and name != \'x\'');
    assert.deepEqual(checkExpression(filter, new Set(['state']), new Set(['cf', 'name'])), []);
    assert.deepEqual(checkExpression(filter, new Set(['state']), new Set(['name'])), ['"cf" is not a column of the choices sheet']);
    assert.match(checkExpression(filter, new Set(['state']))[0]!, /^"cf" is not an expression: write \$\{cf\} to name a question/);
    assert.throws(() => evaluate(filter, { value: () => 'x' }), /outside a choice_filter/);
    assert.equal(evaluate(parseExpression('1 mod 2 = 1 and 3 div 3 = 1'), { value: () => undefined }), true);
  });

  it('keeps operator precedence: and binds tighter than or, * tighter than +', () => {
    const ctx = { value: () => undefined };
    assert.equal(evaluate(parseExpression('1 = 1 or 1 = 2 and 1 = 2'), ctx), true);
    assert.equal(evaluate(parseExpression('2 + 3 * 4 - 1'), ctx), 13);
  });

  it('the compiled parser is up to date with the grammar', () => {
    const grammar = new URL('./grammar.peggy', import.meta.url).pathname;
    const generated = execFileSync(process.execPath, ['node_modules/peggy/bin/peggy.js', '--format', 'es', '-o', '-', grammar], { encoding: 'utf8' });
    assert.equal(generated, readFileSync(new URL('./parser.js', import.meta.url), 'utf8'));
  });
});
