// The standard question bank: stable keys and codes, in English, French and Spanish, and the
// standard instruments built from it. Results compare across activities and years only because
// these keys and codes never change; labels may be improved, codes may not.
import type { Choice, InstrumentDefinition, LocalText, Purpose, Question } from './model.ts';

const t = (en: string, fr: string, es: string): LocalText => ({ en, fr, es });
const choice = (code: string, label: LocalText): Choice => ({ code, label });

export const agreementScale: Choice[] = [
  choice('strongly_disagree', t('Strongly disagree', 'Pas du tout d’accord', 'Totalmente en desacuerdo')),
  choice('disagree', t('Disagree', 'Pas d’accord', 'En desacuerdo')),
  choice('neutral', t('Neither agree nor disagree', 'Ni d’accord ni pas d’accord', 'Ni de acuerdo ni en desacuerdo')),
  choice('agree', t('Agree', 'D’accord', 'De acuerdo')),
  choice('strongly_agree', t('Strongly agree', 'Tout à fait d’accord', 'Totalmente de acuerdo')),
];

export const needsMetScale: Choice[] = [
  choice('not_at_all', t('Not at all', 'Pas du tout', 'En absoluto')),
  choice('partially', t('Partially', 'Partiellement', 'Parcialmente')),
  choice('sufficiently', t('Sufficiently', 'Suffisamment', 'Suficientemente')),
  choice('great_extent', t('To a great extent', 'Dans une large mesure', 'En gran medida')),
  choice('fully', t('Fully', 'Entièrement', 'Plenamente')),
];

export const changeScale: Choice[] = [
  choice('none', t('None', 'Aucun', 'Ninguno')),
  choice('small', t('Small', 'Faible', 'Pequeño')),
  choice('moderate', t('Moderate', 'Modéré', 'Moderado')),
  choice('large', t('Large', 'Important', 'Grande')),
  choice('very_large', t('Very large', 'Très important', 'Muy grande')),
];

const yesNo: Choice[] = [choice('yes', t('Yes', 'Oui', 'Sí')), choice('no', t('No', 'Non', 'No'))];

/** Every bank question by key. */
export const bankQuestions: Record<string, Question> = Object.fromEntries(
  (
    [
      { key: 'eoa_relevance', type: 'scale', required: true, choices: agreementScale,
        label: t('The activity was relevant to my work.', 'L’activité était pertinente pour mon travail.', 'La actividad fue pertinente para mi trabajo.') },
      { key: 'eoa_theory_practice', type: 'scale', required: true, choices: agreementScale,
        label: t('The activity balanced theory and practice well.', 'L’activité équilibrait bien théorie et pratique.', 'La actividad equilibró bien teoría y práctica.') },
      { key: 'eoa_can_apply', type: 'scale', required: true, choices: agreementScale,
        label: t('I can apply what I learnt in my work.', 'Je peux appliquer ce que j’ai appris dans mon travail.', 'Puedo aplicar lo aprendido en mi trabajo.') },
      { key: 'eoa_needs_met', type: 'scale', required: true, choices: needsMetScale,
        label: t('To what extent did the activity meet your learning needs?', 'Dans quelle mesure l’activité a-t-elle répondu à vos besoins d’apprentissage ?', '¿En qué medida la actividad respondió a sus necesidades de aprendizaje?') },
      { key: 'eoa_overall', type: 'rating', max: 5, required: true,
        label: t('Overall, how would you rate the activity? (1 = poor, 5 = excellent)', 'Globalement, comment évaluez-vous l’activité ? (1 = faible, 5 = excellent)', 'En general, ¿cómo califica la actividad? (1 = deficiente, 5 = excelente)') },
      { key: 'eoa_trainer_rating', type: 'rating', max: 5,
        label: t('How would you rate this resource person? (1 = poor, 5 = excellent)', 'Comment évaluez-vous cette personne ressource ? (1 = faible, 5 = excellent)', '¿Cómo califica a esta persona de recurso? (1 = deficiente, 5 = excelente)') },
      { key: 'eoa_comments', type: 'text', long: true,
        label: t('Any other comments?', 'Autres commentaires ?', '¿Algún otro comentario?') },
      { key: 'fu_needs_met', type: 'scale', required: true, choices: needsMetScale,
        label: t('Looking back, to what extent did the activity meet your needs?', 'Avec le recul, dans quelle mesure l’activité a-t-elle répondu à vos besoins ?', 'En retrospectiva, ¿en qué medida la actividad respondió a sus necesidades?') },
      { key: 'fu_use', type: 'single_choice', required: true,
        choices: [
          choice('significant_input', t('It was a significant input to my work', 'Elle a apporté une contribution importante à mon travail', 'Fue un aporte importante para mi trabajo')),
          choice('helpful_specific', t('It helped with specific tasks', 'Elle m’a aidé pour des tâches précises', 'Me ayudó en tareas concretas')),
          choice('not_used', t('I have not used it', 'Je ne l’ai pas utilisée', 'No la he utilizado')),
        ],
        label: t('How have you used what you learnt?', 'Comment avez-vous utilisé ce que vous avez appris ?', '¿Cómo ha utilizado lo aprendido?') },
      { key: 'fu_competence_change', type: 'scale', required: true, choices: changeScale,
        label: t('How much have your competences changed thanks to the activity?', 'Dans quelle mesure vos compétences ont-elles évolué grâce à l’activité ?', '¿Cuánto han cambiado sus competencias gracias a la actividad?') },
      { key: 'fu_performance_change', type: 'scale', required: true, choices: changeScale,
        label: t('How much has your work performance changed?', 'Dans quelle mesure votre performance au travail a-t-elle évolué ?', '¿Cuánto ha cambiado su desempeño laboral?') },
      { key: 'fu_application_example', type: 'text', long: true, relevant: "${fu_use} != 'not_used'",
        label: t('Give a concrete example of applying what you learnt.', 'Donnez un exemple concret d’application de ce que vous avez appris.', 'Dé un ejemplo concreto de aplicación de lo aprendido.') },
      { key: 'fu_tangible_change', type: 'multiple_choice',
        constraint: "not(selected(., 'none') and count-selected(.) > 1)",
        constraintMessage: t('“None” cannot be combined with other answers.', '« Aucun » ne peut pas être combiné avec d’autres réponses.', '«Ninguno» no puede combinarse con otras respuestas.'),
        choices: [
          choice('legislation', t('New or amended legislation', 'Législation nouvelle ou modifiée', 'Legislación nueva o modificada')),
          choice('policy', t('A policy or strategy', 'Une politique ou stratégie', 'Una política o estrategia')),
          choice('protection_measure', t('A protection measure for migrant workers', 'Une mesure de protection des travailleurs migrants', 'Una medida de protección de trabajadores migrantes')),
          choice('social_dialogue', t('Social dialogue', 'Dialogue social', 'Diálogo social')),
          choice('coordination_mechanism', t('A coordination mechanism', 'Un mécanisme de coordination', 'Un mecanismo de coordinación')),
          choice('institutional_attention', t('More institutional attention to the topic', 'Plus d’attention institutionnelle au sujet', 'Más atención institucional al tema')),
          choice('none', t('None of these', 'Aucun de ceux-ci', 'Ninguno de estos')),
        ],
        label: t('Has your organisation seen any of these changes to which you contributed?', 'Votre organisation a-t-elle connu l’un de ces changements auxquels vous avez contribué ?', '¿Su organización ha tenido alguno de estos cambios a los que usted contribuyó?') },
      { key: 'fu_shared_knowledge', type: 'single_choice', required: true, choices: yesNo,
        label: t('Have you shared what you learnt with colleagues?', 'Avez-vous partagé ce que vous avez appris avec des collègues ?', '¿Ha compartido lo aprendido con colegas?') },
      { key: 'fu_shared_count', type: 'integer', min: 1, max: 100_000, relevant: "${fu_shared_knowledge} = 'yes'", required: true,
        label: t('With how many people?', 'Avec combien de personnes ?', '¿Con cuántas personas?') },
    ] satisfies Question[]
  ).map((q) => [q.key, q]),
);

const q = (key: string): Question => {
  const question = bankQuestions[key];
  if (!question) throw new Error(`no bank question ${key}`);
  return question;
};

export const endOfActivity: InstrumentDefinition = {
  title: t('End-of-activity evaluation', 'Évaluation de fin d’activité', 'Evaluación de fin de actividad'),
  languages: ['en', 'fr', 'es'],
  pages: [
    { kind: 'group', key: 'eoa_activity', label: t('The activity', 'L’activité', 'La actividad'),
      questions: ['eoa_relevance', 'eoa_theory_practice', 'eoa_can_apply', 'eoa_needs_met', 'eoa_overall'].map(q) },
    { kind: 'resource_person_repeat', key: 'eoa_trainers', label: t('Resource persons', 'Personnes ressources', 'Personas de recurso'),
      questions: [q('eoa_trainer_rating')] },
    { kind: 'group', key: 'eoa_final', label: t('Comments', 'Commentaires', 'Comentarios'), questions: [q('eoa_comments')] },
  ],
};

export const followUp: InstrumentDefinition = {
  title: t('Follow-up survey', 'Enquête de suivi', 'Encuesta de seguimiento'),
  languages: ['en', 'fr', 'es'],
  pages: [
    { kind: 'group', key: 'fu_use_page', label: t('Using what you learnt', 'Utilisation des acquis', 'Uso de lo aprendido'),
      questions: ['fu_needs_met', 'fu_use', 'fu_application_example'].map(q) },
    { kind: 'group', key: 'fu_change_page', label: t('Changes', 'Changements', 'Cambios'),
      questions: ['fu_competence_change', 'fu_performance_change', 'fu_tangible_change', 'fu_shared_knowledge', 'fu_shared_count'].map(q) },
  ],
};

export interface KnowledgeItem {
  key: string;
  label: LocalText;
  choices: Choice[];
  correct: string[];
  points?: number;
}

/** A pre- or post-test from an item bank: the same keys before and after, so gains pair up. */
export function knowledgeTest(purpose: Extract<Purpose, 'pre_test' | 'post_test'>, title: LocalText, items: KnowledgeItem[]): InstrumentDefinition {
  return {
    title,
    languages: Object.keys(title),
    pages: [
      {
        kind: 'group',
        key: `${purpose}_items`,
        label: title,
        questions: items.map((item) => ({
          key: item.key,
          type: 'knowledge',
          label: item.label,
          choices: item.choices,
          correct: item.correct,
          multiple: item.correct.length > 1,
          points: item.points ?? 1,
          required: true,
        })),
      },
    ],
  };
}

export const standardInstruments: Record<string, { purpose: Purpose; definition: InstrumentDefinition }> = {
  end_of_activity: { purpose: 'end_of_activity', definition: endOfActivity },
  follow_up: { purpose: 'follow_up', definition: followUp },
};
