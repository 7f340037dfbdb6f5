// People rules: valid participants and enrolments, the inclusion derivations stored with each
// participant (M49 region, LDC/LLDC/SIDS, constituent group, Washington Group status), and who may
// handle personal data.
import type { Actor } from '../accounts/service.ts';
import type { MemberRole } from '../accounts/schema.ts';
import { auditLog } from '../accounts/schema.ts';
import type { Tx } from '../db/database.ts';
import type { FieldIssue } from '../catalogue/service.ts';
import { activityIdsByCode } from '../catalogue/repository.ts';
import { countriesIn, countryInfo } from './reference/m49.ts';
import * as repository from './repository.ts';
import type { ParticipantValues } from './repository.ts';
import {
  constituentGroupOf,
  disabilityStatusOf,
  enrolmentRoles,
  enrolmentStatuses,
  genders,
  organisationTypes,
  wgAnswers,
  wgDomains,
  type EnrolmentRole,
  type EnrolmentStatus,
  type Gender,
  type OrganisationType,
  type WgAnswer,
  type WgDomain,
} from './vocabulary.ts';

/** Roles that may read and write names, e-mails and phones. */
export const personalDataRoles: readonly MemberRole[] = ['administrator', 'evaluator'];

export function mayHandlePersonalData(actor: Actor): boolean {
  return personalDataRoles.includes(actor.role);
}

export interface ParticipantInput {
  participantId: string;
  givenName?: string | null;
  familyName?: string | null;
  email?: string | null;
  phone?: string | null;
  gender?: Gender | null;
  genderDescription?: string | null;
  birthYear?: number | null;
  nationality?: string | null;
  residenceCountry?: string | null;
  organisation?: string | null;
  organisationType?: OrganisationType | null;
  wg?: Partial<Record<WgDomain, WgAnswer | null>>;
  preferredLanguage?: string | null;
  consentFollowup?: boolean;
  consentDate?: string | null;
}

export interface EnrolmentInput {
  participantId: string;
  activityCode: string;
  role?: EnrolmentRole;
  status?: EnrolmentStatus;
  sponsor?: string | null;
  completionDate?: string | null;
}

export const PARTICIPANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkParticipant(input: ParticipantInput, currentYear = new Date().getUTCFullYear()): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!PARTICIPANT_ID_PATTERN.test(input.participantId)) issues.push({ field: 'participant_id', message: 'expected 1–64 letters, digits, dots, dashes or underscores' });
  if (input.email != null && !EMAIL_PATTERN.test(input.email)) issues.push({ field: 'email', message: `expected an e-mail address, got "${input.email}"` });
  if (input.gender != null && !genders.includes(input.gender)) issues.push({ field: 'gender', message: `expected one of ${genders.join(', ')}, got "${input.gender}"` });
  if (input.birthYear != null && (!Number.isInteger(input.birthYear) || input.birthYear < currentYear - 100 || input.birthYear > currentYear - 10)) {
    issues.push({ field: 'birth_year', message: `expected a year between ${currentYear - 100} and ${currentYear - 10}, got "${input.birthYear}"` });
  }
  for (const field of ['nationality', 'residence_country'] as const) {
    const value = field === 'nationality' ? input.nationality : input.residenceCountry;
    if (value != null && !countryInfo(value)) issues.push({ field, message: `expected an ISO 3166-1 alpha-2 country code such as SN or PH, got "${value}"` });
  }
  if (input.organisationType != null && !organisationTypes.includes(input.organisationType)) {
    issues.push({ field: 'organisation_type', message: `expected one of ${organisationTypes.join(', ')}, got "${input.organisationType}"` });
  }
  for (const domain of wgDomains) {
    const answer = input.wg?.[domain];
    if (answer != null && !wgAnswers.includes(answer)) issues.push({ field: `wg_${domain}`, message: `expected one of ${wgAnswers.join(', ')}, got "${answer}"` });
  }
  if (input.preferredLanguage != null && !/^[a-z]{2}$/.test(input.preferredLanguage)) {
    issues.push({ field: 'preferred_language', message: `expected a two-letter ISO 639-1 code, got "${input.preferredLanguage}"` });
  }
  return issues;
}

export function checkEnrolment(input: EnrolmentInput, knownParticipants: Set<string>, knownActivities: Set<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!knownParticipants.has(input.participantId)) issues.push({ field: 'participant_id', message: `no participant with id "${input.participantId}"` });
  if (!knownActivities.has(input.activityCode)) issues.push({ field: 'activity_code', message: `no activity with code "${input.activityCode}"` });
  if (input.role !== undefined && !enrolmentRoles.includes(input.role)) issues.push({ field: 'role', message: `expected one of ${enrolmentRoles.join(', ')}, got "${input.role}"` });
  if (input.status !== undefined && !enrolmentStatuses.includes(input.status)) issues.push({ field: 'status', message: `expected one of ${enrolmentStatuses.join(', ')}, got "${input.status}"` });
  if (input.completionDate != null && !/^\d{4}-\d{2}-\d{2}$/.test(input.completionDate)) {
    issues.push({ field: 'completion_date', message: `expected a date as YYYY-MM-DD, got "${input.completionDate}"` });
  }
  return issues;
}

/** The stored participant with every derived inclusion field. */
export function toParticipantValues(input: ParticipantInput): ParticipantValues {
  const nationality = input.nationality?.toUpperCase() ?? null;
  const info = nationality ? countryInfo(nationality) : undefined;
  const wg = input.wg ?? {};
  return {
    code: input.participantId,
    gender: input.gender ?? null,
    genderDescription: input.gender === 'self_described' ? (input.genderDescription ?? null) : null,
    birthYear: input.birthYear ?? null,
    nationality,
    residenceCountry: input.residenceCountry?.toUpperCase() ?? null,
    region: info?.region ?? null,
    subRegion: info?.subRegion ?? null,
    lldc: info ? info.lldc : null,
    sids: info ? info.sids : null,
    organisationName: input.organisation ?? null,
    organisationType: input.organisationType ?? null,
    constituentGroup: constituentGroupOf(input.organisationType ?? null),
    wgSeeing: wg.seeing ?? null,
    wgHearing: wg.hearing ?? null,
    wgWalking: wg.walking ?? null,
    wgCognition: wg.cognition ?? null,
    wgSelfcare: wg.selfcare ?? null,
    wgCommunication: wg.communication ?? null,
    disabilityStatus: disabilityStatusOf(wg),
    preferredLanguage: input.preferredLanguage ?? null,
    consentFollowup: input.consentFollowup ?? false,
    consentDate: input.consentFollowup ? (input.consentDate ?? new Date().toISOString().slice(0, 10)) : null,
  };
}

/** Writes validated participants; personal data only when the actor's role permits it. */
export async function writeParticipants(
  tx: Tx,
  actor: Actor,
  inputs: ParticipantInput[],
  /** 'replace': write the personal data of every input, clearing fields left empty (the edit form). */
  personalData: 'merge' | 'replace' = 'merge',
): Promise<{ inserted: number; updated: number }> {
  const { ids, inserted } = await repository.upsertParticipants(tx, actor.orgId, inputs.map(toParticipantValues));
  const withPersonalData =
    personalData === 'replace' && mayHandlePersonalData(actor)
      ? inputs
      : inputs.filter((input) => input.givenName != null || input.familyName != null || input.email != null || input.phone != null);
  if (withPersonalData.length > 0) {
    if (!mayHandlePersonalData(actor)) throw new PeopleError([{ field: 'given_name', message: 'your role may not write personal data' }]);
    await repository.openPersonalData(tx);
    await repository.upsertPersonalData(
      tx,
      actor.orgId,
      withPersonalData.map((input) => ({
        participantId: ids.get(input.participantId)!,
        givenName: input.givenName ?? null,
        familyName: input.familyName ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
      })),
    );
  }
  return { inserted, updated: inputs.length - inserted };
}

export class PeopleError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
  }
}

export async function saveParticipant(tx: Tx, actor: Actor, input: ParticipantInput, options: { mustBeNew?: boolean; personalData?: 'merge' | 'replace' } = {}) {
  const issues = checkParticipant(input);
  if (!mayHandlePersonalData(actor) && [input.givenName, input.familyName, input.email, input.phone].some((value) => value != null)) {
    issues.push({ field: 'given_name', message: 'your role may not write personal data' });
  }
  if (options.mustBeNew && issues.length === 0 && (await repository.participantIdsByCode(tx, [input.participantId])).size > 0) {
    issues.push({ field: 'participant_id', message: `a participant with id "${input.participantId}" already exists; open it to edit it` });
  }
  if (issues.length > 0) throw new PeopleError(issues);
  await writeParticipants(tx, actor, [input], options.personalData);
  const id = (await repository.participantIdsByCode(tx, [input.participantId])).get(input.participantId)!;
  return (await repository.findParticipant(tx, id))!;
}

export async function writeEnrolments(tx: Tx, orgId: string, inputs: EnrolmentInput[]): Promise<{ inserted: number; updated: number }> {
  const participantIds = await repository.participantIdsByCode(tx, [...new Set(inputs.map((input) => input.participantId))]);
  const activityIds = await activityIdsByCode(tx, [...new Set(inputs.map((input) => input.activityCode))]);
  const inserted = await repository.upsertEnrolments(
    tx,
    orgId,
    inputs.map((input) => ({
      participantId: participantIds.get(input.participantId)!,
      activityId: activityIds.get(input.activityCode)!,
      role: input.role ?? 'participant',
      status: input.status ?? 'enrolled',
      sponsor: input.sponsor ?? null,
      completionDate: input.completionDate ?? null,
    })),
  );
  return { inserted, updated: inputs.length - inserted };
}

export async function saveEnrolment(tx: Tx, orgId: string, input: EnrolmentInput): Promise<void> {
  const participants = await repository.participantIdsByCode(tx, [input.participantId]);
  const activities = await activityIdsByCode(tx, [input.activityCode]);
  const issues = checkEnrolment(input, new Set(participants.keys()), new Set(activities.keys()));
  if (issues.length > 0) throw new PeopleError(issues);
  await writeEnrolments(tx, orgId, [input]);
}

/** Participants with personal data, for permitted roles only. */
export async function listParticipantsWithPersonalData(tx: Tx, actor: Actor) {
  if (!mayHandlePersonalData(actor)) throw new PeopleError([{ field: 'role', message: 'your role may not read personal data' }]);
  await repository.openPersonalData(tx);
  return repository.listParticipantsWithPersonalData(tx);
}

/** Only an administrator may take names, e-mails and phones out of Tracer in a file, and only by asking for them. */
export function mayExportNames(actor: Actor): boolean {
  return actor.role === 'administrator';
}

/**
 * Participants for an export file, audit-logged either way: pseudonymised (names, e-mails and
 * phones left empty) unless an administrator asked for them ('named').
 */
export async function participantsForExport(tx: Tx, actor: Actor, personalData: 'pseudonymised' | 'named') {
  if (personalData === 'named' && !mayExportNames(actor)) {
    throw new PeopleError([{ field: 'personalData', message: 'only an administrator may export names, e-mails and phones' }]);
  }
  await tx.insert(auditLog).values({ orgId: actor.orgId, actorUserId: actor.userId, action: 'personal_data.export', target: 'participants', details: { personalData } });
  if (personalData === 'named') return listParticipantsWithPersonalData(tx, actor);
  const found = await repository.listParticipants(tx, 10_000_000);
  return found.map((p) => ({ ...p, givenName: null, familyName: null, email: null, phone: null }));
}

export interface ParticipantSearch {
  gender?: string;
  /** An M49 region or sub-region of the country of residence. */
  residenceRegion?: string;
  residenceCountry?: string;
  constituentGroup?: string;
  disabilityStatus?: string;
  activityId?: string;
}

export const PARTICIPANTS_PAGE_SIZE = 50;

/** One page of participants; names, e-mails and phones only for permitted roles. */
export async function searchParticipants(tx: Tx, actor: Actor, search: ParticipantSearch, page: number) {
  const permitted = mayHandlePersonalData(actor);
  if (permitted) await repository.openPersonalData(tx);
  let residenceCountries: string[] | undefined;
  if (search.residenceCountry) residenceCountries = [search.residenceCountry.toUpperCase()];
  if (search.residenceRegion) {
    const inRegion = countriesIn(search.residenceRegion);
    residenceCountries = residenceCountries ? residenceCountries.filter((code) => inRegion.includes(code)) : inRegion;
  }
  const result = await repository.searchParticipants(
    tx,
    { gender: search.gender, residenceCountries, constituentGroup: search.constituentGroup, disabilityStatus: search.disabilityStatus, activityId: search.activityId },
    { offset: (page - 1) * PARTICIPANTS_PAGE_SIZE, limit: PARTICIPANTS_PAGE_SIZE },
    permitted,
  );
  return { ...result, page, pageSize: PARTICIPANTS_PAGE_SIZE, showsPersonalData: permitted };
}

/** A participant with its personal data when the actor's role permits reading it. */
export async function participantForEditing(tx: Tx, actor: Actor, id: string) {
  const participant = await repository.findParticipant(tx, id);
  if (!participant) return undefined;
  if (!mayHandlePersonalData(actor)) return { participant, personal: undefined };
  await repository.openPersonalData(tx);
  return { participant, personal: await repository.findPersonalData(tx, id) };
}

export const { listParticipants, findParticipant, listEnrolments, activityBreakdown, participantIdsByCode } = repository;
