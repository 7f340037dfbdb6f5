// The standard codes of qualitative evidence: the tangible-change categories of the follow-up
// questionnaire (`fu_tangible_change` in the question bank, without "none"), with the bank's labels,
// so that a coded application example and a ticked box mean the same thing. Organisations add their
// own codes (table `evidence_codes`).
import { bankQuestions } from '../instruments/bank.ts';
import type { Lang } from '../web/i18n/index.ts';

export interface CodebookEntry {
  code: string;
  standard: boolean;
  labels: Record<Lang, string>;
}

function tangibleChangeCategories(): CodebookEntry[] {
  const question = bankQuestions.fu_tangible_change;
  if (!question || !('choices' in question)) throw new Error('the question bank lost fu_tangible_change');
  return question.choices
    .filter((choice) => choice.code !== 'none')
    .map((choice) => ({
      code: choice.code,
      standard: true,
      labels: { en: choice.label.en ?? choice.code, fr: choice.label.fr ?? choice.label.en ?? choice.code, es: choice.label.es ?? choice.label.en ?? choice.code },
    }));
}

export const standardCodes: readonly CodebookEntry[] = tangibleChangeCategories();

export const standardCodeKeys = ['legislation', 'policy', 'protection_measure', 'social_dialogue', 'coordination_mechanism', 'institutional_attention'] as const;
