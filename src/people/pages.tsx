// Participant pages: the filtered, paginated list; the create/edit form (personal data fields only
// for roles allowed to read them, errors next to each field); the participant page with its
// enrolments and the enrolment form. Works without JavaScript.
import type { ComponentChildren } from 'preact';
import { countryName, isLdcOn, regions, subRegions, todayUtc } from './reference/m49.ts';
import type { EnrolmentListing, ParticipantRow, ParticipantWithPersonalData } from './repository.ts';
import {
  ageBandOf,
  constituentGroups,
  disabilityStatuses,
  enrolmentRoles,
  enrolmentStatuses,
  genders,
  organisationTypes,
  wgAnswers,
  wgDomains,
} from './vocabulary.ts';
import type { MessageKey } from '../web/i18n/index.ts';
import { CsrfField, renderPage, type PageContext } from '../web/page.tsx';

const humanise = (value: string | null) => (value ?? '').replace(/_/g, ' ');

export interface ParticipantListFilter {
  gender?: string;
  residenceRegion?: string;
  residenceCountry?: string;
  constituentGroup?: string;
  disabilityStatus?: string;
  activityId?: string;
  page?: number;
}

export interface ParticipantListing {
  total: number;
  page: number;
  pageSize: number;
  list: ParticipantWithPersonalData[];
  showsPersonalData: boolean;
}

function listUrl(filter: ParticipantListFilter, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, page: page > 1 ? page : undefined })) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '/participants' : `/participants?${text}`;
}

function Choice({ id, name, label, values, selected, ctx, labelOf = humanise }: {
  id: string; name: string; label: string; values: readonly string[]; selected?: string | null; ctx: PageContext; labelOf?: (value: string) => string;
}) {
  return (
    <>
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        <option value="">{ctx.t('participants.any')}</option>
        {values.map((value) => <option value={value} selected={selected === value}>{labelOf(value)}</option>)}
      </select>{' '}
    </>
  );
}

export function participantsPage(
  ctx: PageContext,
  listing: ParticipantListing,
  filter: ParticipantListFilter,
  activities: Array<{ id: string; code: string; title: string }>,
  canEdit: boolean,
): string {
  const { t } = ctx;
  const { list, showsPersonalData: showsNames } = listing;
  const pages = Math.max(1, Math.ceil(listing.total / listing.pageSize));
  const today = todayUtc();
  const regionValues = [...regions, ...Object.keys(subRegions)];
  return renderPage({
    ctx,
    title: t('participants.title'),
    children: (
      <>
        <h1>{t('participants.title')}</h1>
        {!showsNames && <p class="notice">{t('participants.personal_hidden')}</p>}
        <p>
          {canEdit && <><a href="/participants/new">{t('participants.new')}</a> · </>}
          {t('participants.export')}: <a href="/api/exports/participants.csv">CSV</a> · <a href="/api/exports/participants.xlsx">XLSX</a> ·{' '}
          <a href="/api/exports/enrolments.csv">{t('participants.enrolments')} CSV</a>
          {ctx.actor?.role === 'administrator' && <> · <a href="/api/exports/participants.csv?personalData=named">{t('participants.export_named')}</a></>}
          {canEdit && (
            <> · <a href="/imports?kind=participants">{t('imports.link')}</a> · <a href="/imports?kind=enrolments">{t('imports.kind.enrolments')}</a></>
          )}
        </p>
        <form method="get" action="/participants" class="filters">
          <Choice ctx={ctx} id="f-gender" name="gender" label={t('participants.gender')} values={genders} selected={filter.gender} />
          <Choice ctx={ctx} id="f-region" name="residenceRegion" label={t('participants.residence_region')} values={regionValues} selected={filter.residenceRegion} />
          <label for="f-country">{t('participants.residence')}</label>
          <input id="f-country" name="residenceCountry" maxLength={2} size={3} value={filter.residenceCountry ?? ''} />{' '}
          <Choice ctx={ctx} id="f-constituent" name="constituentGroup" label={t('participants.constituent')} values={constituentGroups} selected={filter.constituentGroup} />
          <Choice ctx={ctx} id="f-disability" name="disabilityStatus" label={t('participants.disability')} values={disabilityStatuses} selected={filter.disabilityStatus} />
          <label for="f-activity">{t('participants.activity')}</label>
          <select id="f-activity" name="activityId">
            <option value="">{t('participants.any')}</option>
            {activities.map((a) => <option value={a.id} selected={filter.activityId === a.id}>{a.code} — {a.title}</option>)}
          </select>{' '}
          <button type="submit">{t('participants.filter')}</button>
        </form>
        <h2 id="participant-count">{t('participants.count', { count: listing.total })}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('participants.id')}</th>
              {showsNames && <th scope="col">{t('participants.name')}</th>}
              <th scope="col">{t('participants.gender')}</th>
              <th scope="col">{t('participants.nationality')}</th>
              <th scope="col">{t('participants.residence')}</th>
              <th scope="col">{t('participants.region')}</th>
              <th scope="col">{t('participants.ldc_today')}</th>
              <th scope="col">{t('participants.constituent')}</th>
              <th scope="col">{t('participants.disability')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr>
                <td><a href={`/participants/${p.id}`}>{p.code}</a></td>
                {showsNames && <td>{[p.givenName, p.familyName].filter(Boolean).join(' ')}</td>}
                <td>{humanise(p.gender)}</td>
                <td>{p.nationality ? countryName(p.nationality, ctx.lang) : ''}</td>
                <td>{p.residenceCountry ? countryName(p.residenceCountry, ctx.lang) : ''}</td>
                <td>{humanise(p.subRegion)}</td>
                <td>{isLdcOn(p.nationality, today) ? '✓' : ''}</td>
                <td>{humanise(p.constituentGroup)}</td>
                <td>{humanise(p.disabilityStatus)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav aria-label="Pages">
          <p>{t('participants.page', { page: listing.page, pages })}</p>
          {listing.page > 1 && <a href={listUrl(filter, listing.page - 1)} rel="prev">{t('participants.previous')}</a>}{' '}
          {listing.page < pages && <a href={listUrl(filter, listing.page + 1)} rel="next">{t('participants.next')}</a>}
        </nav>
      </>
    ),
  });
}

// ---------------------------------------------------------------- the participant form

/** Form values by field name (the import column names), as typed. */
export type ParticipantFormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;

export function participantFormValues(participant: ParticipantRow, personal?: { givenName: string | null; familyName: string | null; email: string | null; phone: string | null }): ParticipantFormValues {
  const values: ParticipantFormValues = {
    participant_id: participant.code,
    given_name: personal?.givenName ?? '',
    family_name: personal?.familyName ?? '',
    email: personal?.email ?? '',
    phone: personal?.phone ?? '',
    gender: participant.gender ?? '',
    gender_description: participant.genderDescription ?? '',
    birth_year: participant.birthYear === null ? '' : String(participant.birthYear),
    nationality: participant.nationality ?? '',
    residence_country: participant.residenceCountry ?? '',
    organisation: participant.organisationName ?? '',
    organisation_type: participant.organisationType ?? '',
    preferred_language: participant.preferredLanguage ?? '',
    consent_followup: participant.consentFollowup ? 'yes' : '',
    consent_date: participant.consentDate ?? '',
  };
  const wg = { seeing: participant.wgSeeing, hearing: participant.wgHearing, walking: participant.wgWalking, cognition: participant.wgCognition, selfcare: participant.wgSelfcare, communication: participant.wgCommunication };
  for (const domain of wgDomains) values[`wg_${domain}`] = wg[domain] ?? '';
  return values;
}

function Field({ name, label, errors, help, children }: { name: string; label: string; errors: FieldErrors; help?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={`p-${name}`}>{label}</label>
      {children}
      {help && <p id={`p-${name}-help`} class="muted">{help}</p>}
      {errors[name] && <p id={`p-${name}-error`} class="field-error">{errors[name]}</p>}
    </div>
  );
}

/** Accessibility attributes linking an input to its help and error. */
function described(name: string, errors: FieldErrors, help = false) {
  const ids = [help ? `p-${name}-help` : '', errors[name] ? `p-${name}-error` : ''].filter(Boolean).join(' ');
  return { id: `p-${name}`, name, 'aria-invalid': errors[name] ? ('true' as const) : undefined, 'aria-describedby': ids || undefined };
}

function ParticipantForm({ ctx, values, errors, participantId, showsPersonalData }: {
  ctx: PageContext; values: ParticipantFormValues; errors: FieldErrors; participantId?: string; showsPersonalData: boolean;
}) {
  const { t } = ctx;
  const v = (name: string) => values[name] ?? '';
  const select = (name: string, options: readonly string[], labelOf: (value: string) => string = humanise, empty: MessageKey = 'participants.not_answered') => (
    <select {...described(name, errors)}>
      <option value="">{t(empty)}</option>
      {options.map((option) => <option value={option} selected={v(name) === option}>{labelOf(option)}</option>)}
    </select>
  );
  return (
    <form method="post" action="/participants" novalidate>
      <CsrfField ctx={ctx} />
      {participantId && <input type="hidden" name="id" value={participantId} />}
      {Object.keys(errors).length > 0 && <p class="notice error" role="alert">{t('participants.fix_errors')}</p>}
      <Field name="participant_id" label={t('participants.id')} errors={errors} help={t('participants.id_help')}>
        <input {...described('participant_id', errors, true)} required value={v('participant_id')} readOnly={participantId !== undefined} />
      </Field>
      {showsPersonalData && (
        <fieldset>
          <legend>{t('participants.personal')}</legend>
          <Field name="given_name" label={t('participants.given_name')} errors={errors}><input {...described('given_name', errors)} value={v('given_name')} autocomplete="off" /></Field>
          <Field name="family_name" label={t('participants.family_name')} errors={errors}><input {...described('family_name', errors)} value={v('family_name')} autocomplete="off" /></Field>
          <Field name="email" label={t('participants.email')} errors={errors}><input {...described('email', errors)} type="email" value={v('email')} autocomplete="off" /></Field>
          <Field name="phone" label={t('participants.phone')} errors={errors}><input {...described('phone', errors)} type="tel" value={v('phone')} autocomplete="off" /></Field>
        </fieldset>
      )}
      <fieldset>
        <legend>{t('participants.profile')}</legend>
        <Field name="gender" label={t('participants.gender')} errors={errors}>{select('gender', genders)}</Field>
        <Field name="gender_description" label={t('participants.gender_description')} errors={errors}>
          <input {...described('gender_description', errors)} value={v('gender_description')} />
        </Field>
        <Field name="birth_year" label={t('participants.birth_year')} errors={errors}>
          <input {...described('birth_year', errors)} inputMode="numeric" size={5} value={v('birth_year')} />
        </Field>
        <Field name="nationality" label={t('participants.nationality')} errors={errors} help={t('participants.country_help')}>
          <input {...described('nationality', errors, true)} maxLength={2} size={3} value={v('nationality')} />
        </Field>
        <Field name="residence_country" label={t('participants.residence')} errors={errors} help={t('participants.country_help')}>
          <input {...described('residence_country', errors, true)} maxLength={2} size={3} value={v('residence_country')} />
        </Field>
        <Field name="organisation" label={t('participants.organisation')} errors={errors}><input {...described('organisation', errors)} value={v('organisation')} /></Field>
        <Field name="organisation_type" label={t('participants.organisation_type')} errors={errors}>{select('organisation_type', organisationTypes)}</Field>
        <Field name="preferred_language" label={t('participants.preferred_language')} errors={errors}>
          <input {...described('preferred_language', errors)} maxLength={2} size={3} value={v('preferred_language')} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>{t('participants.wg')}</legend>
        {wgDomains.map((domain) => (
          <Field name={`wg_${domain}`} label={t(`participants.wg.${domain}`)} errors={errors}>{select(`wg_${domain}`, wgAnswers)}</Field>
        ))}
      </fieldset>
      <p>
        <input id="p-consent_followup" name="consent_followup" type="checkbox" value="yes" checked={v('consent_followup') === 'yes'} />{' '}
        <label for="p-consent_followup" class="inline">{t('participants.consent')}</label>
      </p>
      <Field name="consent_date" label={t('participants.consent_date')} errors={errors}>
        <input {...described('consent_date', errors)} type="date" value={v('consent_date')} />
      </Field>
      <p><button type="submit">{t('participants.save')}</button></p>
    </form>
  );
}

export function participantFormPage(ctx: PageContext, values: ParticipantFormValues, errors: FieldErrors, showsPersonalData: boolean, participantId?: string): string {
  const { t } = ctx;
  const title = participantId ? t('participants.edit') : t('participants.new');
  return renderPage({
    ctx,
    title,
    children: (
      <>
        <h1>{title}</h1>
        <ParticipantForm ctx={ctx} values={values} errors={errors} participantId={participantId} showsPersonalData={showsPersonalData} />
      </>
    ),
  });
}

// ---------------------------------------------------------------- the participant page

export interface EnrolmentFormValues {
  participant_id: string;
  activity_code: string;
  role: string;
  status: string;
  sponsor: string;
  completion_date: string;
}

/** The enrolment form, used on the participant page and the activity page. */
export function EnrolmentForm({ ctx, values, returnTo, fixed, activities }: {
  ctx: PageContext;
  values: Partial<EnrolmentFormValues>;
  returnTo: string;
  /** The side the page is about, sent as a hidden field. */
  fixed: 'participant_id' | 'activity_code';
  /** Activity choices on the participant page. */
  activities?: Array<{ code: string; title: string }>;
}) {
  const { t } = ctx;
  return (
    <form method="post" action="/enrolments" class="enrolment-form">
      <h2>{t('participants.enrol')}</h2>
      <CsrfField ctx={ctx} />
      <input type="hidden" name="return_to" value={returnTo} />
      <input type="hidden" name={fixed} value={values[fixed] ?? ''} />
      {fixed === 'activity_code' ? (
        <>
          <label for="e-participant">{t('participants.id')}</label>
          <input id="e-participant" name="participant_id" required value={values.participant_id ?? ''} />
        </>
      ) : (
        <>
          <label for="e-activity">{t('participants.activity')}</label>
          <select id="e-activity" name="activity_code" required>
            {(activities ?? []).map((a) => <option value={a.code} selected={values.activity_code === a.code}>{a.code} — {a.title}</option>)}
          </select>
        </>
      )}
      <label for="e-role">{t('participants.role')}</label>
      <select id="e-role" name="role">
        {enrolmentRoles.map((role) => <option value={role} selected={(values.role ?? 'participant') === role}>{humanise(role)}</option>)}
      </select>
      <label for="e-status">{t('participants.enrolment_status')}</label>
      <select id="e-status" name="status">
        {enrolmentStatuses.map((status) => <option value={status} selected={(values.status ?? 'enrolled') === status}>{humanise(status)}</option>)}
      </select>
      <label for="e-sponsor">{t('participants.sponsor')}</label>
      <input id="e-sponsor" name="sponsor" value={values.sponsor ?? ''} />
      <label for="e-completion">{t('participants.completion_date')}</label>
      <input id="e-completion" name="completion_date" type="date" value={values.completion_date ?? ''} />
      <p><button type="submit">{t('participants.save')}</button></p>
    </form>
  );
}

export function enrolmentValues(e: EnrolmentListing): EnrolmentFormValues {
  return { participant_id: e.participantCode, activity_code: e.activityCode, role: e.role, status: e.status, sponsor: e.sponsor ?? '', completion_date: e.completionDate ?? '' };
}

export function participantPage(
  ctx: PageContext,
  data: {
    participant: ParticipantRow;
    values: ParticipantFormValues;
    errors: FieldErrors;
    enrolments: EnrolmentListing[];
    activities: Array<{ code: string; title: string }>;
    editActivity?: string;
  },
  canEdit: boolean,
  showsPersonalData: boolean,
): string {
  const { t } = ctx;
  const p = data.participant;
  const editing = data.enrolments.find((e) => e.activityId === data.editActivity);
  const ageBand = ageBandOf(p.birthYear, new Date().getUTCFullYear());
  return renderPage({
    ctx,
    title: p.code,
    children: (
      <>
        <h1>{t('participants.id')}: {p.code}</h1>
        <h2>{t('participants.derived')}</h2>
        <dl class="derived">
          <dt>{t('participants.age_band')}</dt><dd>{humanise(ageBand)}</dd>
          <dt>{t('participants.region')}</dt><dd>{humanise(p.region)} / {humanise(p.subRegion)}</dd>
          <dt>{t('participants.ldc_today')}</dt><dd>{isLdcOn(p.nationality, todayUtc()) ? '✓' : '—'}</dd>
          <dt>{t('participants.constituent')}</dt><dd>{humanise(p.constituentGroup)}</dd>
          <dt>{t('participants.disability')}</dt><dd>{humanise(p.disabilityStatus)}</dd>
        </dl>
        <h2>{t('participants.enrolments')}</h2>
        {data.enrolments.length === 0 ? (
          <p>{t('participants.no_enrolments')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('participants.activity')}</th>
                <th scope="col">{t('participants.role')}</th>
                <th scope="col">{t('participants.enrolment_status')}</th>
                <th scope="col">{t('participants.sponsor')}</th>
                <th scope="col">{t('participants.completion_date')}</th>
                {canEdit && <th scope="col"><span class="visually-hidden">{t('participants.edit_enrolment')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {data.enrolments.map((e) => (
                <tr>
                  <td><a href={`/activities/${e.activityId}`}>{e.activityCode}</a> — {e.activityTitle}</td>
                  <td>{humanise(e.role)}</td>
                  <td>{humanise(e.status)}</td>
                  <td>{e.sponsor ?? ''}</td>
                  <td>{e.completionDate ?? ''}</td>
                  {canEdit && <td><a href={`/participants/${p.id}?editActivity=${e.activityId}#e-activity`}>{t('participants.edit_enrolment')}</a></td>}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canEdit && (
          <EnrolmentForm
            ctx={ctx}
            values={editing ? enrolmentValues(editing) : { participant_id: p.code }}
            returnTo={`/participants/${p.id}`}
            fixed="participant_id"
            activities={data.activities}
          />
        )}
        {canEdit && (
          <>
            <h2>{t('participants.edit')}</h2>
            <ParticipantForm ctx={ctx} values={data.values} errors={data.errors} participantId={p.id} showsPersonalData={showsPersonalData} />
          </>
        )}
      </>
    ),
  });
}
