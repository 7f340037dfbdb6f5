// Participant vocabularies and the inclusion derivations (age band, constituent group,
// Washington Group disability status). Pure functions: tested without a database.
export const genders = ['woman', 'man', 'non_binary', 'self_described', 'prefer_not_to_say'] as const;
export type Gender = (typeof genders)[number];
export const organisationTypes = [
  'ministry_of_labour',
  'other_government',
  'workers_organisation',
  'employers_organisation',
  'ngo_cso',
  'academia',
  'un_international',
  'private_sector',
  'other',
] as const;
export type OrganisationType = (typeof organisationTypes)[number];
export const constituentGroups = ['government', 'workers', 'employers', 'other'] as const;
export type ConstituentGroup = (typeof constituentGroups)[number];
export const wgAnswers = ['no_difficulty', 'some_difficulty', 'a_lot_of_difficulty', 'cannot_do'] as const;
export type WgAnswer = (typeof wgAnswers)[number];
export const wgDomains = ['seeing', 'hearing', 'walking', 'cognition', 'selfcare', 'communication'] as const;
export type WgDomain = (typeof wgDomains)[number];
export const disabilityStatuses = ['with_disability', 'without_disability', 'unknown'] as const;
export type DisabilityStatus = (typeof disabilityStatuses)[number];
export const enrolmentRoles = ['participant', 'resource_person'] as const;
export type EnrolmentRole = (typeof enrolmentRoles)[number];
export const enrolmentStatuses = ['applied', 'enrolled', 'completed', 'certified', 'withdrawn'] as const;
export type EnrolmentStatus = (typeof enrolmentStatuses)[number];
export const ageBands = ['under_25', '25_34', '35_44', '45_54', '55_64', '65_plus'] as const;
export type AgeBand = (typeof ageBands)[number];

export function constituentGroupOf(type: OrganisationType | null): ConstituentGroup | null {
  if (type === null) return null;
  switch (type) {
    case 'ministry_of_labour':
    case 'other_government':
      return 'government';
    case 'workers_organisation':
      return 'workers';
    case 'employers_organisation':
      return 'employers';
    default:
      return 'other';
  }
}

/**
 * The Washington Group recommended cut-off: a person has a disability when at least one domain
 * is answered "a lot of difficulty" or "cannot do at all". Unknown when no domain is answered and
 * none reaches the cut-off.
 */
export function disabilityStatusOf(answers: Partial<Record<WgDomain, WgAnswer | null>>): DisabilityStatus {
  const given = wgDomains.map((domain) => answers[domain]).filter((answer): answer is WgAnswer => answer != null);
  if (given.some((answer) => answer === 'a_lot_of_difficulty' || answer === 'cannot_do')) return 'with_disability';
  return given.length === wgDomains.length ? 'without_disability' : 'unknown';
}

export function ageBandOf(birthYear: number | null, atYear: number): AgeBand | null {
  if (birthYear === null) return null;
  const age = atYear - birthYear;
  if (age < 25) return 'under_25';
  if (age < 35) return '25_34';
  if (age < 45) return '35_44';
  if (age < 55) return '45_54';
  if (age < 65) return '55_64';
  return '65_plus';
}
