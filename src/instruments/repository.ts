// Every query of the instruments domain.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { preparedRows, rows, type Db, type Queryable, type Tx } from '../db/database.ts';
import type { InstrumentDefinition, LocalText, Purpose } from './model.ts';
import { collectionLinks, instruments, instrumentVersions } from './schema.ts';

export type InstrumentRow = typeof instruments.$inferSelect;
export type VersionRow = typeof instrumentVersions.$inferSelect;
export type CollectionLinkRow = typeof collectionLinks.$inferSelect;

export async function insertInstrument(
  tx: Tx,
  values: { key: string; purpose: Purpose; title: LocalText; anonymous: boolean; draft: InstrumentDefinition },
): Promise<InstrumentRow | undefined> {
  const [row] = await tx
    .insert(instruments)
    .values({ ...values, orgId: sql`tracer_current_org()` })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findInstrument(tx: Queryable, id: string): Promise<InstrumentRow | undefined> {
  const [row] = await tx.select().from(instruments).where(eq(instruments.id, id));
  return row;
}

export async function findInstrumentByKey(tx: Queryable, key: string): Promise<InstrumentRow | undefined> {
  const [row] = await tx.select().from(instruments).where(eq(instruments.key, key));
  return row;
}

export async function listInstruments(tx: Queryable): Promise<Array<InstrumentRow & { latestVersion: number | null; responseCount: number }>> {
  return rows(
    tx,
    sql`select i.org_id as "orgId", i.id, i.key, i.purpose, i.title, i.anonymous, i.draft, i.created_at as "createdAt",
               (select max(v.version)::int from instrument_versions v where v.org_id = i.org_id and v.instrument_id = i.id) as "latestVersion",
               (select count(*)::int from responses r where r.org_id = i.org_id and r.instrument_id = i.id and r.status = 'complete') as "responseCount"
          from instruments i order by i.key`,
  );
}

export async function updateDraft(tx: Tx, id: string, draft: InstrumentDefinition | null): Promise<void> {
  await tx.update(instruments).set({ draft }).where(eq(instruments.id, id));
}

export async function insertVersion(tx: Tx, instrumentId: string, definition: InstrumentDefinition): Promise<VersionRow> {
  // Lock the instrument so two publishers never take the same version number.
  await tx.execute(sql`select 1 from instruments where id = ${instrumentId} for update`);
  const [row] = await tx
    .insert(instrumentVersions)
    .values({
      orgId: sql`tracer_current_org()`,
      instrumentId,
      definition,
      version: sql`(select coalesce(max(version), 0) + 1 from instrument_versions where instrument_id = ${instrumentId})`,
    })
    .returning();
  return row!;
}

export async function listVersions(tx: Queryable, instrumentId: string): Promise<VersionRow[]> {
  return tx.select().from(instrumentVersions).where(eq(instrumentVersions.instrumentId, instrumentId)).orderBy(desc(instrumentVersions.version));
}

export async function findVersion(tx: Queryable, id: string): Promise<VersionRow | undefined> {
  const [row] = await tx.select().from(instrumentVersions).where(eq(instrumentVersions.id, id));
  return row;
}

export async function latestVersion(tx: Queryable, instrumentId: string): Promise<VersionRow | undefined> {
  const [row] = await tx
    .select()
    .from(instrumentVersions)
    .where(eq(instrumentVersions.instrumentId, instrumentId))
    .orderBy(desc(instrumentVersions.version))
    .limit(1);
  return row;
}

export async function insertCollectionLink(tx: Tx, values: { token: string; instrumentVersionId: string; activityId: string | null }): Promise<CollectionLinkRow> {
  const [row] = await tx
    .insert(collectionLinks)
    .values({ ...values, orgId: sql`tracer_current_org()` })
    .returning();
  return row!;
}

export async function listCollectionLinks(tx: Queryable, instrumentId: string): Promise<Array<CollectionLinkRow & { version: number }>> {
  const result = await tx
    .select({ link: collectionLinks, version: instrumentVersions.version })
    .from(collectionLinks)
    .innerJoin(instrumentVersions, and(eq(instrumentVersions.orgId, collectionLinks.orgId), eq(instrumentVersions.id, collectionLinks.instrumentVersionId)))
    .where(eq(instrumentVersions.instrumentId, instrumentId))
    .orderBy(asc(collectionLinks.createdAt));
  return result.map(({ link, version }) => ({ ...link, version }));
}

/**
 * The one system (cross-organisation) lookup of this domain: which organisation a respondent
 * link belongs to. Returns nothing else; all further work happens inside `withOrg`.
 */
export async function organisationOfLink(system: Db, token: string): Promise<{ orgId: string; linkId: string } | undefined> {
  const [row] = await system
    .select({ orgId: collectionLinks.orgId, linkId: collectionLinks.id })
    .from(collectionLinks)
    .where(and(eq(collectionLinks.token, token), isNull(collectionLinks.closedAt)));
  return row;
}

/** What answering through a link needs, in one query: the link, its version's id and its instrument (not the definition). */
export interface LinkTarget {
  orgId: string;
  linkId: string;
  activityId: string | null;
  closedAt: Date | null;
  versionId: string;
  instrumentId: string;
  instrumentKey: string;
  purpose: Purpose;
  anonymous: boolean;
}

export async function findLinkTarget(tx: Queryable, linkId: string): Promise<LinkTarget | undefined> {
  const [row] = await preparedRows<LinkTarget>(
    tx,
    sql`select l.org_id as "orgId", l.id as "linkId", l.activity_id as "activityId", l.closed_at as "closedAt", v.id as "versionId",
               i.id as "instrumentId", i.key as "instrumentKey", i.purpose, i.anonymous
          from collection_links l
          join instrument_versions v on v.org_id = l.org_id and v.id = l.instrument_version_id
          join instruments i on i.org_id = v.org_id and i.id = v.instrument_id
         where l.id = ${linkId}`,
  );
  return row;
}

/** The definition of a published version (immutable: a trigger refuses updates). */
export async function findVersionDefinition(tx: Queryable, versionId: string): Promise<InstrumentDefinition | undefined> {
  const [row] = await rows<{ definition: InstrumentDefinition }>(tx, sql`select definition from instrument_versions where id = ${versionId}`);
  return row?.definition;
}

export async function findCollectionLink(tx: Queryable, id: string): Promise<CollectionLinkRow | undefined> {
  const [row] = await tx.select().from(collectionLinks).where(eq(collectionLinks.id, id));
  return row;
}
