// Participants (pseudonymous, with the inclusion data indicators read), their personal data in a
// table of its own, and enrolments. Personal data rows are readable only inside a transaction that
// the people service has opened for a permitted role (`tracer.personal_data` = 'allowed'; a
// restrictive policy in the custom migration), so a viewer or trainer cannot read them even
// through a query that forgets to check.
import {
  boolean,
  date,
  foreignKey,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  index,
} from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/schema.ts';
import { activities } from '../catalogue/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';
import { disabilityStatuses, enrolmentRoles, enrolmentStatuses, genders, organisationTypes, wgAnswers, constituentGroups } from './vocabulary.ts';

export const participantGender = pgEnum('participant_gender', genders);
export const participantOrganisationType = pgEnum('participant_organisation_type', organisationTypes);
export const constituentGroup = pgEnum('constituent_group', constituentGroups);
export const wgAnswer = pgEnum('wg_answer', wgAnswers);
export const disabilityStatus = pgEnum('disability_status', disabilityStatuses);
export const enrolmentRole = pgEnum('enrolment_role', enrolmentRoles);
export const enrolmentStatus = pgEnum('enrolment_status', enrolmentStatuses);

export const participants = pgTable(
  'participants',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    /** The organisation's own pseudonymous identifier (import key). */
    code: text('code').notNull(),
    gender: participantGender('gender'),
    genderDescription: text('gender_description'),
    birthYear: integer('birth_year'),
    nationality: text('nationality'),
    residenceCountry: text('residence_country'),
    /**
     * Derived from nationality (M49 and UN lists) on write. LDC status is not stored: it changes with
     * graduations, so it is derived for a date with tracer_ldc_on(nationality, date) in SQL or
     * isLdcOn in reference/m49.ts.
     */
    region: text('region'),
    subRegion: text('sub_region'),
    lldc: boolean('lldc'),
    sids: boolean('sids'),
    organisationName: text('organisation_name'),
    organisationType: participantOrganisationType('organisation_type'),
    constituentGroup: constituentGroup('constituent_group'),
    wgSeeing: wgAnswer('wg_seeing'),
    wgHearing: wgAnswer('wg_hearing'),
    wgWalking: wgAnswer('wg_walking'),
    wgCognition: wgAnswer('wg_cognition'),
    wgSelfcare: wgAnswer('wg_selfcare'),
    wgCommunication: wgAnswer('wg_communication'),
    disabilityStatus: disabilityStatus('disability_status').notNull().default('unknown'),
    preferredLanguage: text('preferred_language'),
    consentFollowup: boolean('consent_followup').notNull().default(false),
    consentDate: date('consent_date'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when the personal data was erased (on request or after the retention period): see privacy/. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('participants_code_key').on(t.orgId, t.code), orgIsolation()],
);

export const participantPersonalData = pgTable(
  'participant_personal_data',
  {
    orgId: orgIdColumn(),
    participantId: uuid('participant_id').notNull(),
    givenName: text('given_name'),
    familyName: text('family_name'),
    email: text('email'),
    phone: text('phone'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.participantId] }),
    foreignKey({ columns: [t.orgId, t.participantId], foreignColumns: [participants.orgId, participants.id] }).onDelete('cascade'),
    orgIsolation(),
  ],
);

export const enrolments = pgTable(
  'enrolments',
  {
    orgId: orgIdColumn(),
    participantId: uuid('participant_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    role: enrolmentRole('role').notNull().default('participant'),
    status: enrolmentStatus('status').notNull().default('enrolled'),
    sponsor: text('sponsor'),
    completionDate: date('completion_date'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.participantId, t.activityId] }),
    foreignKey({ columns: [t.orgId, t.participantId], foreignColumns: [participants.orgId, participants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.activityId], foreignColumns: [activities.orgId, activities.id] }).onDelete('cascade'),
    index('enrolments_activity_idx').on(t.orgId, t.activityId),
    orgIsolation(),
  ],
);
