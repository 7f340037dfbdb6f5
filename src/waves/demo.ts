// Demo step: survey waves for the demo's completed activities, derived from the enrolments and the
// responses that exist (the responses step runs first): an end-of-activity wave on the last day
// and follow-ups at 6 and 12 months, with the invitations, reminders and a few bounces that would
// have produced those responses. All of it lies in the past, so the scheduler sends nothing.
// Written in bulk (insert … select), with deterministic pseudo-random choices (hashtext).
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';
import { organisationName } from '../accounts/service.ts';
import type { DemoContext } from '../demo/load.ts';
import { languages, translator } from '../web/i18n/index.ts';
import { defaultPlan, scheduleFor, type WavePlanItem } from './model.ts';
import * as repo from './repository.ts';

/** The demo's windows: each follow-up stays open until the next one (people answer late). */
const demoWaves: Array<WavePlanItem & { planKey: string }> = [
  { ...defaultPlan.find((item) => item.key === 'end_of_activity')!, planKey: 'end_of_activity' },
  { ...defaultPlan.find((item) => item.key === 'follow_up_6m')!, openDays: 182, planKey: 'follow_up_6m' },
  { ...defaultPlan.find((item) => item.key === 'follow_up_12m')!, openDays: 365, planKey: 'follow_up_12m' },
];

export async function wavesDemoStep({ database, orgId }: DemoContext): Promise<string> {
  return database.withOrg(orgId, async (tx) => {
    const orgName = await organisationName(tx, orgId);
    const versions = await repo.latestVersionsByKey(tx, [...new Set(demoWaves.map((w) => w.instrumentKey))]);
    const activities = (await repo.plannableActivities(tx)).filter((a) => a.status === 'completed');
    const waveIds: string[] = [];
    for (const activity of activities) {
      for (const item of demoWaves) {
        const version = versions.get(item.instrumentKey);
        const schedule = scheduleFor(item, [activity]);
        if (!version || !schedule) continue;
        const wave = await repo.insertWave(
          tx,
          {
            name: `${item.name} · ${activity.code}`,
            instrumentId: version.instrumentId,
            instrumentVersionId: version.versionId,
            population: item.population,
            eligibleStatuses: item.eligibleStatuses,
            anchor: item.anchor,
            offsetMonths: item.offsetMonths,
            offsetDays: item.offsetDays,
            opensAt: schedule.opensAt,
            closesAt: schedule.closesAt,
            reminderDays: item.reminderDays,
            planKey: `${item.planKey}:${activity.id}`,
          },
          [activity.id],
        );
        if (wave) waveIds.push(wave.id);
      }
    }
    const counts = await writeHistory(tx, waveIds, orgName);
    const rates = await repo.responseRateRows(tx, { waveIds }, 'purpose');
    const describe = rates.map((r) => `${r.groupKey} RR1 ${Math.round((r.rr1 ?? 0) * 100)}%`).join(', ');
    return `Waves: ${waveIds.length} (end of activity, follow-up at 6 and 12 months), ${counts.invitations} invitations, ${counts.reminders} reminders, ${counts.bounced} bounces; ${describe}.`;
  });
}

/** Subject templates per language, `{activity}` filled in by SQL. */
function subjects(kind: 'invitation' | 'reminder', orgName: string): Record<string, string> {
  return Object.fromEntries(languages.map((lang) => [lang, translator(lang)(kind === 'invitation' ? 'wave_mail.invitation_subject' : 'wave_mail.reminder_subject', { org: orgName, activity: '{activity}' })]));
}

async function writeHistory(tx: Tx, waveIds: string[], orgName: string): Promise<{ invitations: number; reminders: number; bounced: number }> {
  const invite = subjects('invitation', orgName);
  const remind = subjects('reminder', orgName);
  const subject = (templates: Record<string, string>) =>
    sql`replace(case c.lang when 'fr' then ${templates.fr} when 'es' then ${templates.es} else ${templates.en} end, '{activity}', c.title)`;
  // Who is invited (eligible, with consent when contacted after the activity), whether their e-mail
  // bounced (about 4%), and whether they answered: from the responses that exist (follow-ups), or
  // for the anonymous end-of-activity survey, as many invitations as there are responses.
  await tx.execute(sql`
    create temporary table demo_wave_people on commit drop as
    with eligible as (
      select w.id as wave_id, w.opens_at, w.closes_at, w.instrument_id, ins.anonymous, e.activity_id, e.participant_id, a.title,
             case when lower(coalesce(p.preferred_language, 'en')) in ('en', 'fr', 'es') then lower(coalesce(p.preferred_language, 'en')) else 'en' end as lang,
             md5(w.id::text || e.participant_id::text || 'invitation')::uuid as invitation_id,
             -- hashed from names and codes, never generated ids, so each load of the demo draws alike
             abs(hashtext(w.name || '/' || a.code || '/' || p.code)) % 100 as dice,
             hashtext(w.name || '/' || a.code || '/' || p.code || '/order') as draw
        from waves w
        join instruments ins on ins.org_id = w.org_id and ins.id = w.instrument_id
        join wave_activities wa on wa.org_id = w.org_id and wa.wave_id = w.id
        join activities a on a.org_id = wa.org_id and a.id = wa.activity_id
        join enrolments e on e.org_id = wa.org_id and e.activity_id = wa.activity_id
        join participants p on p.org_id = e.org_id and p.id = e.participant_id
       where w.id = any(${sql.param(waveIds)}::uuid[])
         and e.role = 'participant' and e.status::text = any(w.eligible_statuses)
         and (p.consent_followup or w.opens_at::date <= a.end_date)
    ), ranked as (
      select el.*, el.dice < 4 as bounced,
             row_number() over (partition by el.wave_id, el.dice < 4 order by el.draw, el.participant_id) as place,
             exists (select 1 from responses r
                      where r.org_id = tracer_current_org() and r.instrument_id = el.instrument_id and r.activity_id = el.activity_id
                        and r.participant_id = el.participant_id and r.status = 'complete'
                        and r.submitted_at between el.opens_at and el.closes_at) as answered_named,
             (select count(*) from responses r
               where r.org_id = tracer_current_org() and r.instrument_id = el.instrument_id and r.activity_id = el.activity_id
                 and r.participant_id is null and r.status = 'complete' and r.submitted_at between el.opens_at and el.closes_at) as anonymous_answers
        from eligible el
    )
    select *, case when anonymous then not bounced and place <= anonymous_answers else answered_named end as answered
      from ranked`);
  const [counts] = await rows<{ invitations: number; reminders: number; bounced: number }>(
    tx,
    sql`select count(*)::int as invitations, (count(*) filter (where not answered and not bounced) * 2)::int as reminders,
               (count(*) filter (where bounced))::int as bounced from demo_wave_people`,
  );
  await tx.execute(sql`
    insert into outbound_messages (org_id, id, kind, participant_id, language, subject, headers, dedupe_key, status, attempts, next_attempt_at, last_error, created_at, updated_at, sent_at)
    select tracer_current_org(), md5(c.invitation_id::text || 'message')::uuid, 'wave_invitation', c.participant_id, c.lang, ${subject(invite)}, '{}'::jsonb,
           'wave:' || c.wave_id || ':invitation:' || c.invitation_id,
           (case when c.bounced then 'bounced' else 'sent' end)::message_status, 1, c.opens_at + interval '8 hours',
           case when c.bounced then '550 5.1.1 Mailbox unavailable' end,
           c.opens_at + interval '8 hours', c.opens_at + interval '8 hours', case when c.bounced then null else c.opens_at + interval '8 hours' end
      from demo_wave_people c
    union all
    select tracer_current_org(), md5(c.invitation_id::text || 'reminder' || n)::uuid, 'wave_reminder', c.participant_id, c.lang, ${subject(remind)}, '{}'::jsonb,
           'wave:' || c.wave_id || ':invitation:' || c.invitation_id || ':reminder:' || n,
           'sent'::message_status, 1, c.opens_at + make_interval(days => 7 * n, hours => 8), null,
           c.opens_at + make_interval(days => 7 * n, hours => 8), c.opens_at + make_interval(days => 7 * n, hours => 8), c.opens_at + make_interval(days => 7 * n, hours => 8)
      from demo_wave_people c cross join generate_series(1, 2) as n
     where not c.answered and not c.bounced`);
  await tx.execute(sql`
    insert into wave_invitations (org_id, id, wave_id, activity_id, participant_id, language, message_id, reminders_sent, last_reminder_at, opened_at, response_status, responded_at, created_at)
    select tracer_current_org(), c.invitation_id, c.wave_id, c.activity_id, c.participant_id, c.lang, md5(c.invitation_id::text || 'message')::uuid,
           case when c.answered or c.bounced then 0 else 2 end,
           case when c.answered or c.bounced then null else c.opens_at + interval '14 days 8 hours' end,
           case when c.answered and not c.bounced then c.opens_at + interval '1 day'
                when not c.bounced and c.dice >= 88 then c.opens_at + interval '3 days' end,
           case when c.answered and not c.bounced then 'complete' end,
           case when c.answered and not c.bounced then c.opens_at + interval '1 day' end,
           c.opens_at + interval '8 hours'
      from demo_wave_people c`);
  return counts!;
}
