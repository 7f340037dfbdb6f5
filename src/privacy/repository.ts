// Every query of the privacy operations: erasing personal data, finding inactive participants,
// and gathering everything held about one participant.
import { sql } from 'drizzle-orm';
import { rows, type Queryable, type Tx } from '../db/database.ts';

export interface ErasedCounts {
  participants: number;
  pendingMessagesCancelled: number;
}

/**
 * De-identifies participants: their personal data row goes, and so does everything on the
 * participant row that names or could single out the person (the organisation's own identifier,
 * a self-described gender text, the employer's name, consent). What indicators disaggregate by
 * (gender, age, country and region, constituent group, disability) stays, so no indicator
 * changes; responses stay linked to the pseudonymous id. Mail not yet sent to them is cancelled.
 * Needs personal data opened on the transaction (people/repository.ts openPersonalData).
 */
export async function eraseParticipants(tx: Tx, participantIds: string[], now: Date): Promise<ErasedCounts> {
  if (participantIds.length === 0) return { participants: 0, pendingMessagesCancelled: 0 };
  const ids = sql`${`{${participantIds.join(',')}}`}::uuid[]`;
  await tx.execute(sql`delete from participant_personal_data where participant_id = any(${ids})`);
  const erased = await rows<{ id: string }>(
    tx,
    sql`update participants
           set code = 'erased-' || id::text, gender_description = null, organisation_name = null,
               consent_followup = false, consent_date = null, erased_at = ${now.toISOString()}::timestamptz
         where id = any(${ids}) and erased_at is null
     returning id`,
  );
  const cancelled = await rows<{ id: string }>(
    tx,
    sql`update outbound_messages
           set status = 'suppressed', recipient = null, text_body = null, html_body = null,
               last_error = 'participant personal data erased', updated_at = ${now.toISOString()}::timestamptz
         where participant_id = any(${ids}) and status in ('queued', 'retrying')
     returning id`,
  );
  return { participants: erased.length, pendingMessagesCancelled: cancelled.length };
}

/**
 * Participants with personal data and no sign of life since `cutoff`: not created, not enrolled
 * in an activity that ended (or, without an end date, started), and no survey answered since.
 */
export async function inactiveParticipants(tx: Queryable, cutoff: Date): Promise<string[]> {
  const at = sql`${cutoff.toISOString()}::timestamptz`;
  const found = await rows<{ id: string }>(
    tx,
    sql`select p.id from participants p
         where p.erased_at is null and p.created_at < ${at}
           and not exists (
                 select 1 from enrolments e join activities a on a.org_id = e.org_id and a.id = e.activity_id
                  where e.org_id = p.org_id and e.participant_id = p.id
                    and coalesce(a.end_date, a.start_date, ${at}::date) >= ${at}::date)
           and not exists (
                 select 1 from responses r
                  where r.org_id = p.org_id and r.participant_id = p.id and coalesce(r.submitted_at, r.started_at) >= ${at})
         order by p.id`,
  );
  return found.map((row) => row.id);
}

/**
 * Every row held about one participant: the participant, the personal data, and the rows of every
 * table with a participant_id column — found in the catalogue, so tables added later are included
 * without anyone remembering to list them. Needs personal data opened on the transaction.
 */
export async function participantDossier(tx: Queryable, participantId: string): Promise<Record<string, unknown[]>> {
  const tables = await rows<{ name: string }>(
    tx,
    sql`select c.table_name as name from information_schema.columns c
          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
         where c.table_schema = 'public' and c.column_name = 'participant_id' and t.table_type = 'BASE TABLE'
         order by 1`,
  );
  const dossier: Record<string, unknown[]> = {
    participants: (await rows<{ row: unknown }>(tx, sql`select to_jsonb(p) - 'org_id' as row from participants p where id = ${participantId}`)).map((r) => r.row),
  };
  for (const { name } of tables) {
    const found = await rows<{ row: unknown }>(
      tx,
      sql`select to_jsonb(t) - 'org_id' as row from ${sql.identifier(name)} t where participant_id = ${participantId}`,
    );
    dossier[name] = found.map((r) => r.row);
  }
  dossier.audit_log = (
    await rows<{ row: unknown }>(tx, sql`select to_jsonb(a) - 'org_id' as row from audit_log a where target = ${participantId} order by at`)
  ).map((r) => r.row);
  return dossier;
}

export async function retentionMonths(tx: Queryable): Promise<number | undefined> {
  const [row] = await rows<{ months: number }>(tx, sql`select retention_months as months from privacy_settings`);
  return row?.months;
}

export async function setRetentionMonths(tx: Tx, months: number | undefined): Promise<void> {
  if (months === undefined) {
    await tx.execute(sql`delete from privacy_settings`);
    return;
  }
  await tx.execute(
    sql`insert into privacy_settings (org_id, retention_months) values (tracer_current_org(), ${months})
        on conflict (org_id) do update set retention_months = excluded.retention_months, updated_at = now()`,
  );
}
