// XLSForm import of the real forms in shared/external, of broken forms, and export → import.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as XLSX from 'xlsx';
import { endOfActivity, followUp, knowledgeTest } from './bank.ts';
import type { InstrumentDefinition } from './model.ts';
import { exportXlsForm, importXlsForm } from './xlsform.ts';

const external = new URL('../../../shared/external/', import.meta.url).pathname;
const pyxform = `${external}pyxform/tests/`;

/** Each real form and what must happen to it: imported, or refused with these reasons among others. */
const realForms: Array<{ file: string; imported?: { questions: number }; refusedWith?: string[] }> = [
  { file: `${pyxform}example_xls/cascading_select_test_equivalent.xls`, imported: { questions: 9 } },
  { file: `${pyxform}example_xls/yes_or_no_question.xlsx`, imported: { questions: 1 } },
  { file: `${pyxform}example_xls/tutorial.xls`, refusedWith: ['survey sheet, row 2 (member): repeats are supported only as a block per resource person'] },
  { file: `${pyxform}example_xls/widgets.xls`, refusedWith: ['survey sheet, row 11 (my_geopoint): type "geopoint" is not supported', 'survey sheet, row 6 (my_time): type "time" is not supported'] },
  { file: `${pyxform}example_xls/choice_filter_test.xlsx`, refusedWith: ['survey sheet, row 3 (county), column choice_filter: filtering choices by an expression is not supported'] },
  { file: `${pyxform}example_xls/specify_other.xlsx`, refusedWith: ['survey sheet, row 2 (sex): "or_other" is not supported'] },
  { file: `${pyxform}example_xls/loop.xlsx`, refusedWith: ['survey sheet, row 3 (loop_toilet_types): type "begin loop over toilet_type" is not supported'] },
  { file: `${pyxform}example_xls/xlsform_spec_test.xlsx`, refusedWith: ['survey sheet, row 30 (acknowledge_test): type "acknowledge" is not supported'] },
  {
    file: `${pyxform}bug_example_xls/UCL_Biomass_Plot_Form.xlsx`,
    refusedWith: [
      'survey sheet, row 26 (slope_radius), column calculation: unsupported function sqrt()',
      'survey sheet, row 16 (region_id): type "select_one_from_file UCL_regions.csv" is not supported',
    ],
  },
  { file: `${external}odk-xlsform-template/ODK XLSForm Template.xlsx`, refusedWith: ['survey sheet: no questions (only a header row)'] },
];

describe('XLSForm import of the real forms', () => {
  it('finds the real forms in shared/external beside the checkout', () => {
    assert.ok(existsSync(pyxform), `${pyxform} is missing: the real forms are part of the test data`);
  });

  for (const form of realForms) {
    it(form.file.split('/').pop()!, () => {
      const result = importXlsForm(readFileSync(form.file), form.file.split('/').pop()!);
      if (form.imported) {
        assert.ok(result.ok, !result.ok ? result.problems.join('\n') : '');
        assert.equal(result.definition.pages.flatMap((p) => p.questions).length, form.imported.questions);
      } else {
        assert.ok(!result.ok, 'expected a refusal');
        for (const reason of form.refusedWith!) assert.ok(result.problems.some((p) => p.startsWith(reason)), `missing "${reason}" in:\n${result.problems.join('\n')}`);
      }
    });
  }

  it('imports labels, relevance and calculations of the cascading select form faithfully', () => {
    const result = importXlsForm(readFileSync(`${pyxform}example_xls/cascading_select_test_equivalent.xls`), 'cascading.xls');
    assert.ok(result.ok);
    const questions = result.definition.pages.flatMap((p) => p.questions);
    const calculated = questions.find((q) => q.type === 'calculate');
    assert.match(calculated && calculated.type === 'calculate' ? calculated.calculation : '', /^if\(/);
    assert.ok(questions.some((q) => q.relevant === "${mylga_zone}='zone_1'"));
  });
});

function workbook(sheets: Record<string, unknown[][]>): Buffer {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

const choicesSheet = [['list_name', 'name', 'label'], ['yn', 'yes', 'Yes'], ['yn', 'no', 'No']];

describe('XLSForm import of broken forms', () => {
  const refusal = (sheets: Record<string, unknown[][]>) => {
    const result = importXlsForm(workbook(sheets), 'broken.xlsx');
    assert.ok(!result.ok);
    return result.problems;
  };

  it('missing survey sheet', () => assert.deepEqual(refusal({ choices: choicesSheet }), ['the workbook has no "survey" sheet']));

  it('missing choice list', () =>
    assert.deepEqual(refusal({ survey: [['type', 'name', 'label'], ['select_one colours', 'colour', 'Colour?']] }), [
      'survey sheet, row 2 (colour): the choice list "colours" is not on the choices sheet',
    ]));

  it('duplicate names', () =>
    assert.deepEqual(refusal({ survey: [['type', 'name', 'label'], ['text', 'a', 'A'], ['integer', 'a', 'A again']] }), [
      'survey sheet, row 3 (a): the name "a" is already used on row 2',
    ]));

  it('unknown type', () =>
    assert.deepEqual(refusal({ survey: [['type', 'name', 'label'], ['slider', 's', 'S']] }), ['survey sheet, row 2 (s): type "slider" is not supported']));

  it('bad and unsupported expressions, naming sheet, row, column and function', () => {
    const problems = refusal({
      survey: [
        ['type', 'name', 'label', 'relevant', 'constraint'],
        ['integer', 'n', 'N', '', '. >'],
        ['text', 't', 'T', "pulldata('x', 'y', 'z', ${n})", ''],
      ],
    });
    assert.match(problems[0]!, /^survey sheet, row 2 \(n\), column constraint: cannot parse "\. >" at column 4/);
    assert.equal(problems[1], 'survey sheet, row 3 (t), column relevant: unsupported function pulldata()');
    assert.equal(problems.length, 2);
  });

  it('references to questions that do not exist', () =>
    assert.deepEqual(refusal({ survey: [['type', 'name', 'label', 'relevant'], ['text', 'u', 'U', '${nobody} = 1']] }), [
      'survey sheet: question "u": relevant: ${nobody} names no question',
    ]));

  it('not a workbook at all', () => {
    const result = importXlsForm(Buffer.from('hello'), 'notes.txt');
    assert.ok(!result.ok);
  });
});

describe('XLSForm export → import round trip', () => {
  const choices = [{ code: 'a', label: { en: 'A', fr: 'A' } }, { code: 'b', label: { en: 'B', fr: 'B' } }];
  const mixed: InstrumentDefinition = {
    title: { en: 'Mixed', fr: 'Mixte' },
    languages: ['en', 'fr'],
    pages: [
      {
        kind: 'group',
        key: 'p1',
        label: { en: 'One', fr: 'Un' },
        relevant: undefined,
        questions: [
          { key: 'grid', type: 'matrix', label: { en: 'Grid', fr: 'Grille' }, rows: [{ key: 'r1', label: { en: 'R1', fr: 'L1' } }, { key: 'r2', label: { en: 'R2', fr: 'L2' } }], choices },
          { key: 'k', type: 'knowledge', label: { en: 'K', fr: 'K' }, multiple: true, choices, correct: ['a', 'b'], points: 2, required: true },
          { key: 'rate', type: 'rating', max: 10, label: { en: 'Rate', fr: 'Note' }, hint: { en: 'Ten is best', fr: 'Dix est le mieux' } },
          { key: 'd', type: 'decimal', label: { en: 'D', fr: 'D' }, constraint: '. >= 0', constraintMessage: { en: 'Positive', fr: 'Positif' } },
          { key: 'when', type: 'date', label: { en: 'When', fr: 'Quand' }, relevant: '${d} > 1' },
          { key: 'c', type: 'calculate', label: {}, calculation: '${d} * 2' },
          { key: 'n', type: 'note', label: { en: 'Note', fr: 'Note' } },
        ],
      },
    ],
  };
  const cases: Array<[string, InstrumentDefinition]> = [
    ['end_of_activity', endOfActivity],
    ['follow_up', followUp],
    ['pre_test', knowledgeTest('pre_test', { en: 'Pre' }, [{ key: 'q1', label: { en: 'Q1' }, choices: [{ code: 'x', label: { en: 'X' } }, { code: 'y', label: { en: 'Y' } }], correct: ['y'] }])],
    ['mixed', mixed],
  ];
  for (const [key, definition] of cases) {
    it(key, () => {
      const result = importXlsForm(exportXlsForm(key, 'other', definition), `${key}.xlsx`);
      assert.ok(result.ok, !result.ok ? result.problems.join('\n') : '');
      assert.equal(result.key, key);
      assert.deepEqual(result.definition, JSON.parse(JSON.stringify(definition)));
    });
  }
});
