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
  { file: `${pyxform}example_xls/tutorial.xls`, imported: { questions: 10 } },
  { file: `${pyxform}example_xls/widgets.xls`, refusedWith: ['survey sheet, row 11 (my_geopoint): type "geopoint" is not supported', 'survey sheet, row 6 (my_time): type "time" is not supported'] },
  { file: `${pyxform}example_xls/choice_filter_test.xlsx`, imported: { questions: 3 } },
  { file: `${pyxform}example_xls/specify_other.xlsx`, imported: { questions: 2 } },
  { file: `${pyxform}example_xls/loop.xlsx`, refusedWith: ['survey sheet, row 3 (loop_toilet_types): type "begin loop over toilet_type" is not supported'] },
  {
    file: `${pyxform}example_xls/xlsform_spec_test.xlsx`,
    refusedWith: [
      'survey sheet, row 15 (repeat_test): a repeat inside a group is not supported; end the group "everything" (row 3) before the repeat',
      'survey sheet, row 30 (acknowledge_test): type "acknowledge" is not supported',
    ],
  },
  {
    file: `${pyxform}bug_example_xls/UCL_Biomass_Plot_Form.xlsx`,
    refusedWith: [
      'survey sheet, row 26 (slope_radius), column calculation: unsupported function sqrt()',
      'survey sheet, row 16 (region_id): type "select_one_from_file UCL_regions.csv" is not supported',
      'survey sheet, row 43 (stems): a repeat inside a repeat is not supported (repeat "trees" begins on row 32)',
      'survey sheet, row 32 (trees), column relevant: cannot parse "${any_trees} = ‘yes’"',
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

  it('imports the household repeat of the tutorial as a repeat the respondent fills, relevance between siblings kept', () => {
    const result = importXlsForm(readFileSync(`${pyxform}example_xls/tutorial.xls`), 'tutorial.xls');
    assert.ok(result.ok);
    const [member] = result.definition.pages;
    assert.equal(member?.kind, 'repeat');
    assert.equal(member?.key, 'member');
    assert.equal(member?.kind === 'repeat' ? member.count : 'x', undefined);
    assert.equal(member?.questions.find((q) => q.key === 'age_in_months')?.relevant, "${older_than_five}='no'");
  });

  it('imports choice_filter with the columns of the choices sheet, duplicates allowed as the settings say', () => {
    const result = importXlsForm(readFileSync(`${pyxform}example_xls/choice_filter_test.xlsx`), 'choice_filter_test.xlsx');
    assert.ok(result.ok);
    const county = result.definition.pages[0]!.questions.find((q) => q.key === 'county');
    assert.ok(county?.type === 'single_choice');
    assert.equal(county.choiceFilter, '${state}=cf');
    assert.deepEqual(county.choices.filter((c) => c.code === 'king').map((c) => c.columns), [{ cf: 'washington' }, { cf: 'texas' }]);
    const state = result.definition.pages[0]!.questions.find((q) => q.key === 'state');
    assert.ok(state?.type === 'single_choice' && state.choices.every((c) => c.columns === undefined), 'unfiltered questions keep no columns');
  });

  it('imports "or specify other" as an "other" choice and a ${name}_other text question asked only then', () => {
    const result = importXlsForm(readFileSync(`${pyxform}example_xls/specify_other.xlsx`), 'specify_other.xlsx');
    assert.ok(result.ok);
    const [sex, other] = result.definition.pages[0]!.questions;
    assert.ok(sex?.type === 'single_choice');
    assert.deepEqual(sex.choices.map((c) => c.code), ['male', 'female', 'other']);
    assert.deepEqual(sex.choices[2]!.label, { en: 'Other' });
    assert.deepEqual(other, { key: 'sex_other', type: 'text', long: false, label: { en: 'Please specify' }, relevant: "selected(${sex}, 'other')" });
  });

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

  it('repeats nested in repeats or groups, repeat_count out of place, or_other clashing, choice_filter naming no column', () => {
    const problems = refusal({
      survey: [
        ['type', 'name', 'label', 'repeat_count', 'choice_filter', 'relevant'],
        ['begin_repeat', 'outer', 'Outer', '', '', ''],
        ['begin_repeat', 'inner', 'Inner', '', '', ''],
        ['text', 'x', 'X', '', '', ''],
        ['end_repeat', '', '', '', '', ''],
        ['end_repeat', '', '', '', '', ''],
        ['begin_group', 'g', 'G', '2', '', ''],
        ['begin_repeat', 'r', 'R', '', '', ''],
        ['end_repeat', '', '', '', '', ''],
        ['end_group', '', '', '', '', ''],
        ['select_one yn or_other', 'pick', 'Pick', '', 'colour = ${x}', ''],
        ['integer', 'n', 'N', '3', '', 'cf = 1'],
      ],
      choices: [['list_name', 'name', 'label'], ['yn', 'yes', 'Yes'], ['yn', 'other', 'Other']],
    });
    assert.deepEqual(problems, [
      'survey sheet, row 3 (inner): a repeat inside a repeat is not supported (repeat "outer" begins on row 2)',
      'survey sheet, row 7 (g), column repeat_count: only a begin_repeat row can have a repeat_count',
      'survey sheet, row 8 (r): a repeat inside a group is not supported; end the group "g" (row 7) before the repeat',
      'survey sheet, row 11 (pick), column choice_filter: "colour" is not a column of the choices sheet',
      'survey sheet, row 11 (pick): "or_other" adds a choice "other", but the list already has one; remove or_other or the choice',
      'survey sheet, row 12 (n), column relevant: "cf" is not an expression: write ${cf} to name a question (bare names are columns of the choices sheet, only in a choice_filter)',
      'survey sheet, row 12 (n), column repeat_count: only a begin_repeat row can have a repeat_count',
    ]);
  });

  it('questions outside a repeat cannot name a question inside it; repeat_count names questions outside it', () => {
    const problems = refusal({
      survey: [
        ['type', 'name', 'label', 'relevant', 'repeat_count'],
        ['integer', 'size', 'Size', '', ''],
        ['begin_repeat', 'members', 'Members', '', '${age}'],
        ['integer', 'age', 'Age', '', ''],
        ['end_repeat', '', '', '', ''],
        ['text', 'after', 'After', '${age} > 3', ''],
      ],
    });
    assert.deepEqual(problems, [
      'survey sheet: page "members": repeat_count: ${age} is inside the repeat "members" and can be named only from within it',
      'survey sheet: question "after": relevant: ${age} is inside the repeat "members" and can be named only from within it',
    ]);
  });

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
  const repeatsAndFilters: InstrumentDefinition = {
    title: { en: 'Household', fr: 'Ménage' },
    languages: ['en', 'fr'],
    pages: [
      {
        kind: 'group',
        key: 'head',
        label: { en: 'Head', fr: 'Chef' },
        questions: [
          { key: 'size', type: 'integer', label: { en: 'Size', fr: 'Taille' }, min: 0, max: 20 },
          { key: 'state', type: 'single_choice', label: { en: 'State', fr: 'État' }, choices: [{ code: 'tx', label: { en: 'Texas', fr: 'Texas' } }, { code: 'wa', label: { en: 'Washington', fr: 'Washington' } }] },
          {
            key: 'county',
            type: 'single_choice',
            label: { en: 'County', fr: 'Comté' },
            choiceFilter: 'st = ${state}',
            choices: [
              { code: 'king', label: { en: 'King', fr: 'King' }, columns: { st: 'wa' } },
              { code: 'king', label: { en: 'King', fr: 'King' }, columns: { st: 'tx' } },
              { code: 'cameron', label: { en: 'Cameron', fr: 'Cameron' }, columns: { st: 'tx' } },
            ],
          },
        ],
      },
      {
        kind: 'repeat',
        key: 'members',
        label: { en: 'Member', fr: 'Membre' },
        count: '${size}',
        questions: [
          { key: 'age', type: 'integer', label: { en: 'Age', fr: 'Âge' } },
          { key: 'school', type: 'single_choice', label: { en: 'School?', fr: 'École ?' }, relevant: '${age} < 18', choices: [{ code: 'yes', label: { en: 'Yes', fr: 'Oui' } }, { code: 'other', label: { en: 'Other', fr: 'Autre' } }] },
          { key: 'school_other', type: 'text', long: false, label: { en: 'Please specify', fr: 'Veuillez préciser' }, relevant: "selected(${school}, 'other')" },
        ],
      },
      { kind: 'repeat', key: 'visits', label: { en: 'Visit', fr: 'Visite' }, relevant: '${size} > 0', questions: [{ key: 'visit_date', type: 'date', label: { en: 'Date', fr: 'Date' } }] },
    ],
  };
  const cases: Array<[string, InstrumentDefinition]> = [
    ['end_of_activity', endOfActivity],
    ['follow_up', followUp],
    ['pre_test', knowledgeTest('pre_test', { en: 'Pre' }, [{ key: 'q1', label: { en: 'Q1' }, choices: [{ code: 'x', label: { en: 'X' } }, { code: 'y', label: { en: 'Y' } }], correct: ['y'] }])],
    ['mixed', mixed],
    ['repeats_and_filters', repeatsAndFilters],
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
