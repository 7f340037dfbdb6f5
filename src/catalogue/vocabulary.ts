// The catalogue's closed vocabularies (enumerations) and the default, editable theme list.
export const modalities = ['face_to_face', 'online_tutored', 'online_self_paced', 'blended', 'webinar'] as const;
export type Modality = (typeof modalities)[number];
export const feeTypes = ['free', 'fee', 'sponsored'] as const;
export type FeeType = (typeof feeTypes)[number];
export const activityStatuses = ['planned', 'open', 'ongoing', 'completed', 'cancelled'] as const;
export type ActivityStatus = (typeof activityStatuses)[number];
export const crossCuttingMarkers = ['gender', 'international_labour_standards', 'social_dialogue', 'disability', 'environment'] as const;
export type CrossCuttingMarker = (typeof crossCuttingMarkers)[number];
export const resourceTypes = ['handbook', 'toolkit', 'course', 'video', 'guide', 'dataset', 'other'] as const;
export type ResourceType = (typeof resourceTypes)[number];

/** ISO 639-1 codes accepted for activity and resource languages. */
export const LANGUAGE_PATTERN = /^[a-z]{2}$/;

/** The labour-migration default theme vocabulary, created for each organisation on first use. */
export const defaultThemes: Array<{ code: string; en: string; fr: string; es: string }> = [
  { code: 'labour_migration_governance', en: 'Labour migration governance', fr: 'Gouvernance des migrations de main-d’œuvre', es: 'Gobernanza de la migración laboral' },
  { code: 'ethical_recruitment', en: 'Ethical recruitment', fr: 'Recrutement éthique', es: 'Contratación ética' },
  { code: 'international_labour_standards', en: 'International labour standards', fr: 'Normes internationales du travail', es: 'Normas internacionales del trabajo' },
  { code: 'social_protection', en: 'Social protection of migrant workers', fr: 'Protection sociale des travailleurs migrants', es: 'Protección social de los trabajadores migrantes' },
  { code: 'skills_mobility', en: 'Skills mobility and recognition', fr: 'Mobilité et reconnaissance des compétences', es: 'Movilidad y reconocimiento de competencias' },
  { code: 'labour_migration_statistics', en: 'Labour migration statistics', fr: 'Statistiques des migrations de main-d’œuvre', es: 'Estadísticas de migración laboral' },
  { code: 'gender_and_migration', en: 'Gender and migration', fr: 'Genre et migration', es: 'Género y migración' },
  { code: 'return_reintegration', en: 'Return and reintegration', fr: 'Retour et réintégration', es: 'Retorno y reintegración' },
  { code: 'diaspora_engagement', en: 'Diaspora engagement', fr: 'Engagement de la diaspora', es: 'Participación de la diáspora' },
  { code: 'forced_labour_trafficking', en: 'Forced labour and trafficking', fr: 'Travail forcé et traite', es: 'Trabajo forzoso y trata' },
  { code: 'social_dialogue', en: 'Social dialogue', fr: 'Dialogue social', es: 'Diálogo social' },
];
