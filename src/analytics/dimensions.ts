// The disaggregation dimensions, as data shared by the engine (which column a dimension groups
// by), the API (what `--by` and `--filter` accept) and the interface (labels in three languages).
// Where the values are a closed list they are listed here with their labels; the codes are those
// the participant and catalogue vocabularies store (src/people/vocabulary.ts, src/catalogue/vocabulary.ts).
import type { Lang } from '../web/i18n/index.ts';

export type Localised = Record<Lang, string>;

export interface DimensionValue {
  code: string;
  labels: Localised;
}

export const dimensionKeys = [
  'gender',
  'age_band',
  'region',
  'ldc',
  'constituent_group',
  'disability',
  'modality',
  'programme',
  'year',
  'fee_type',
  'language',
] as const;
export type DimensionKey = (typeof dimensionKeys)[number];

export interface Dimension {
  key: DimensionKey;
  labels: Localised;
  /** Whose attribute it is: the engine joins participants or activities accordingly. */
  of: 'participant' | 'activity';
  /** The closed list of values, or null when values come from the data (programmes, years…). */
  values: readonly DimensionValue[] | null;
}

const value = (code: string, en: string, fr: string, es: string): DimensionValue => ({ code, labels: { en, fr, es } });

export const genderValues = [
  value('woman', 'Woman', 'Femme', 'Mujer'),
  value('man', 'Man', 'Homme', 'Hombre'),
  value('non_binary', 'Non-binary', 'Non binaire', 'No binario'),
  value('self_described', 'Self-described', 'Autre (précisé)', 'Autodescrito'),
  value('prefer_not_to_say', 'Prefers not to say', 'Préfère ne pas répondre', 'Prefiere no decirlo'),
] as const;

export const ageBandValues = [
  value('under_25', 'Under 25', 'Moins de 25 ans', 'Menos de 25 años'),
  value('25_34', '25–34', '25–34 ans', '25–34 años'),
  value('35_44', '35–44', '35–44 ans', '35–44 años'),
  value('45_54', '45–54', '45–54 ans', '45–54 años'),
  value('55_64', '55–64', '55–64 ans', '55–64 años'),
  value('65_plus', '65 and over', '65 ans et plus', '65 años y más'),
] as const;

/** UN M49 regions of the country of residence. */
export const regionValues = [
  value('africa', 'Africa', 'Afrique', 'África'),
  value('americas', 'Americas', 'Amériques', 'Américas'),
  value('asia', 'Asia', 'Asie', 'Asia'),
  value('europe', 'Europe', 'Europe', 'Europa'),
  value('oceania', 'Oceania', 'Océanie', 'Oceanía'),
] as const;

/** Nationality of a least developed country (UN list) on the activity's date: tracer_ldc_on (people/reference/m49.ts). */
export const ldcValues = [
  value('ldc', 'Least developed country', 'Pays le moins avancé', 'País menos adelantado'),
  value('non_ldc', 'Other country', 'Autre pays', 'Otro país'),
] as const;

/** The ILO's tripartite constituents, and everyone else. */
export const constituentGroupValues = [
  value('government', 'Government', 'Gouvernement', 'Gobierno'),
  value('workers', "Workers' organisations", 'Organisations de travailleurs', 'Organizaciones de trabajadores'),
  value('employers', "Employers' organisations", "Organisations d'employeurs", 'Organizaciones de empleadores'),
  value('other', 'Other', 'Autre', 'Otro'),
] as const;

/**
 * Washington Group Short Set status, derived per participant with the WG's recommended cut-off
 * (at least one domain "a lot of difficulty" or "cannot do at all"); unknown when not all answered.
 */
export const disabilityValues = [
  value('with_disability', 'With disability', 'En situation de handicap', 'Con discapacidad'),
  value('without_disability', 'Without disability', 'Sans handicap', 'Sin discapacidad'),
  value('unknown', 'Not known', 'Inconnu', 'Desconocido'),
] as const;

export const modalityValues = [
  value('face_to_face', 'Face to face', 'Présentiel', 'Presencial'),
  value('online_tutored', 'Online, tutored', 'En ligne, avec tuteur', 'En línea, con tutoría'),
  value('online_self_paced', 'Online, self-paced', 'En ligne, en autonomie', 'En línea, autoformación'),
  value('blended', 'Blended', 'Mixte', 'Combinada'),
  value('webinar', 'Webinar', 'Webinaire', 'Seminario web'),
] as const;

export const feeTypeValues = [
  value('free', 'Free', 'Gratuit', 'Gratuito'),
  value('fee', 'Fee-paying', 'Payant', 'De pago'),
  value('sponsored', 'Sponsored', 'Parrainé', 'Patrocinado'),
] as const;

const labels = (en: string, fr: string, es: string): Localised => ({ en, fr, es });

export const dimensions: Record<DimensionKey, Dimension> = {
  gender: { key: 'gender', of: 'participant', labels: labels('Gender', 'Genre', 'Género'), values: genderValues },
  age_band: { key: 'age_band', of: 'participant', labels: labels('Age band', "Tranche d'âge", 'Grupo de edad'), values: ageBandValues },
  region: { key: 'region', of: 'participant', labels: labels('Region', 'Région', 'Región'), values: regionValues },
  ldc: { key: 'ldc', of: 'participant', labels: labels('Least developed country', 'Pays moins avancé', 'País menos adelantado'), values: ldcValues },
  constituent_group: {
    key: 'constituent_group',
    of: 'participant',
    labels: labels('Constituent group', 'Groupe de mandants', 'Grupo de mandantes'),
    values: constituentGroupValues,
  },
  disability: { key: 'disability', of: 'participant', labels: labels('Disability', 'Handicap', 'Discapacidad'), values: disabilityValues },
  modality: { key: 'modality', of: 'activity', labels: labels('Modality', 'Modalité', 'Modalidad'), values: modalityValues },
  programme: { key: 'programme', of: 'activity', labels: labels('Programme', 'Programme', 'Programa'), values: null },
  year: { key: 'year', of: 'activity', labels: labels('Year', 'Année', 'Año'), values: null },
  fee_type: { key: 'fee_type', of: 'activity', labels: labels('Fee type', 'Type de frais', 'Tipo de tarifa'), values: feeTypeValues },
  language: { key: 'language', of: 'activity', labels: labels('Language', 'Langue', 'Idioma'), values: null },
};

/** At most this many dimensions in one disaggregation (issue 6 §3). */
export const MAX_BREAKDOWN_DIMENSIONS = 2;

export function isDimensionKey(text: string): text is DimensionKey {
  return (dimensionKeys as readonly string[]).includes(text);
}

export class DimensionError extends Error {}

/** Parses `--by gender,region`: known keys, no repeats, at most two. */
export function parseBreakdown(text: string | undefined): DimensionKey[] {
  if (text === undefined || text.trim() === '') return [];
  const keys = text.split(',').map((part) => part.trim());
  const unknown = keys.filter((key) => !isDimensionKey(key));
  if (unknown.length > 0) throw new DimensionError(`Unknown dimension ${unknown.join(', ')}; known: ${dimensionKeys.join(', ')}`);
  if (new Set(keys).size !== keys.length) throw new DimensionError('A dimension appears twice in the breakdown');
  if (keys.length > MAX_BREAKDOWN_DIMENSIONS) throw new DimensionError(`At most ${MAX_BREAKDOWN_DIMENSIONS} dimensions at once`);
  return keys as DimensionKey[];
}

/** Checks a value against the dimension's closed list, when it has one. */
export function assertDimensionValue(key: DimensionKey, code: string): void {
  const allowed = dimensions[key].values;
  if (allowed !== null && !allowed.some((v) => v.code === code)) {
    throw new DimensionError(`"${code}" is not a value of ${key}; allowed: ${allowed.map((v) => v.code).join(', ')}`);
  }
}

export function dimensionValueLabel(key: DimensionKey, code: string, lang: Lang): string {
  return dimensions[key].values?.find((v) => v.code === code)?.labels[lang] ?? code;
}
