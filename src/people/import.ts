// Participants and enrolments as importable, exportable tables.
import { activityIdsByCode } from '../catalogue/repository.ts';
import { cells, type ImportKind } from '../imports/importer.ts';
import * as repository from './repository.ts';
import {
  checkEnrolment,
  checkParticipant,
  mayHandlePersonalData,
  participantsForExport,
  writeEnrolments,
  writeParticipants,
  type EnrolmentInput,
  type ParticipantInput,
} from './service.ts';
import { wgDomains, type EnrolmentRole, type EnrolmentStatus, type Gender, type OrganisationType, type WgAnswer } from './vocabulary.ts';

const personalColumns = ['given_name', 'family_name', 'email', 'phone'];

export const participantImport: ImportKind<ParticipantInput> = {
  name: 'participants',
  columns: [
    'participant_id', 'given_name', 'family_name', 'email', 'gender', 'birth_year', 'nationality', 'residence_country', 'organisation',
    'organisation_type', 'preferred_language', 'wg_seeing', 'wg_hearing', 'wg_walking', 'wg_cognition', 'wg_selfcare', 'wg_communication',
    'consent_followup', 'gender_description', 'phone', 'consent_date',
  ],
  required: ['participant_id'],
  keyColumn: 'participant_id',
  key: (input) => input.participantId,
  parse(cell, issues) {
    const lower = (column: string) => cells.text(cell(column).toLowerCase());
    return {
      participantId: cell('participant_id'),
      givenName: cells.text(cell('given_name')),
      familyName: cells.text(cell('family_name')),
      email: cells.text(cell('email')),
      phone: cells.text(cell('phone')),
      gender: lower('gender') as Gender | null,
      genderDescription: cells.text(cell('gender_description')),
      birthYear: cells.integer(cell('birth_year'), 'birth_year', issues),
      nationality: cells.text(cell('nationality').toUpperCase()),
      residenceCountry: cells.text(cell('residence_country').toUpperCase()),
      organisation: cells.text(cell('organisation')),
      organisationType: lower('organisation_type') as OrganisationType | null,
      wg: Object.fromEntries(wgDomains.map((domain) => [domain, lower(`wg_${domain}`) as WgAnswer | null])),
      preferredLanguage: lower('preferred_language'),
      consentFollowup: cells.boolean(cell('consent_followup'), 'consent_followup', issues, false),
      consentDate: cells.text(cell('consent_date')),
    };
  },
  async prepare(_tx, actor) {
    const permitted = mayHandlePersonalData(actor);
    return (input) => {
      const issues = checkParticipant(input);
      if (!permitted) {
        const personal = personalColumns.find((column) => input[columnField(column)] != null);
        if (personal) issues.push({ field: personal, message: 'your role may not import personal data; leave this column empty' });
      }
      return issues;
    };
  },
  async write(tx, actor, inputs) {
    return writeParticipants(tx, actor, inputs);
  },
  async exportRows(tx, actor, { personalData }) {
    const found = await participantsForExport(tx, actor, personalData);
    return found.map((p) => [
      p.code, p.givenName ?? '', p.familyName ?? '', p.email ?? '', p.gender ?? '', p.birthYear === null ? '' : String(p.birthYear), p.nationality ?? '',
      p.residenceCountry ?? '', p.organisationName ?? '', p.organisationType ?? '', p.preferredLanguage ?? '', p.wgSeeing ?? '', p.wgHearing ?? '',
      p.wgWalking ?? '', p.wgCognition ?? '', p.wgSelfcare ?? '', p.wgCommunication ?? '', cells.yesNo(p.consentFollowup), p.genderDescription ?? '',
      p.phone ?? '', p.consentDate ?? '',
    ]);
  },
};

function columnField(column: string): 'givenName' | 'familyName' | 'email' | 'phone' {
  return ({ given_name: 'givenName', family_name: 'familyName', email: 'email', phone: 'phone' } as const)[column as 'email'];
}

export const enrolmentImport: ImportKind<EnrolmentInput> = {
  name: 'enrolments',
  columns: ['participant_id', 'activity_code', 'role', 'status', 'completion_date', 'sponsor'],
  required: ['participant_id', 'activity_code'],
  keyColumn: 'participant_id',
  key: (input) => `${input.participantId} ${input.activityCode}`,
  parse(cell) {
    return {
      participantId: cell('participant_id'),
      activityCode: cell('activity_code'),
      role: (cells.text(cell('role').toLowerCase()) ?? 'participant') as EnrolmentRole,
      status: (cells.text(cell('status').toLowerCase()) ?? 'enrolled') as EnrolmentStatus,
      completionDate: cells.text(cell('completion_date')),
      sponsor: cells.text(cell('sponsor')),
    };
  },
  async prepare(tx, _actor, inputs) {
    const participants = new Set((await repository.participantIdsByCode(tx, [...new Set(inputs.map((i) => i.participantId))])).keys());
    const activities = new Set((await activityIdsByCode(tx, [...new Set(inputs.map((i) => i.activityCode))])).keys());
    return (input) => checkEnrolment(input, participants, activities);
  },
  async write(tx, actor, inputs) {
    return writeEnrolments(tx, actor.orgId, inputs);
  },
  async exportRows(tx) {
    return (await repository.listEnrolments(tx)).map((e) => [e.participantCode, e.activityCode, e.role, e.status, e.completionDate ?? '', e.sponsor ?? '']);
  },
};
