// Organisations, users, memberships, sessions, API tokens and the audit log: the rules.
// Functions taking a `Tx` run inside a tenant transaction (confined to one organisation by
// row-level security); functions taking `Db` are the few that must act before an
// organisation is known (sign-in, session and token lookup) or across organisations (CLI).
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { rows, type Db, type Queryable, type Tx } from '../db/database.ts';
import { apiTokens, auditLog, memberships, organisations, sessions, users, type MemberRole } from './schema.ts';

export class AccountError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Organisation {
  id: string;
  slug: string;
  name: string;
}

/** Who is acting, once authenticated. */
export interface Actor {
  userId: string;
  orgId: string;
  role: MemberRole;
  displayName: string;
  email: string;
}

const SESSION_DAYS = 14;
const LOCKOUT_AFTER_FAILURES = 5;
const MAX_LOCKOUT_MINUTES = 60;

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

// ---------------------------------------------------------------- organisations

export async function createOrganisation(db: Db, slug: string, name: string): Promise<Organisation> {
  if (!SLUG_PATTERN.test(slug)) {
    throw new AccountError(`Organisation slug "${slug}" must be lower-case letters, digits and hyphens`, 'slug');
  }
  if (name.trim() === '') throw new AccountError('Organisation name must not be empty', 'name');
  const [created] = await db
    .insert(organisations)
    .values({ slug, name: name.trim() })
    .onConflictDoNothing()
    .returning({ id: organisations.id, slug: organisations.slug, name: organisations.name });
  if (!created) throw new AccountError(`An organisation with slug "${slug}" already exists`, 'slug');
  return created;
}

export async function listOrganisations(db: Db): Promise<Organisation[]> {
  return db
    .select({ id: organisations.id, slug: organisations.slug, name: organisations.name })
    .from(organisations)
    .orderBy(organisations.slug);
}

/** The display name of an organisation (for page headers, reports and e-mail footers). */
export async function organisationName(db: Queryable, orgId: string): Promise<string> {
  const [org] = await rows<{ name: string }>(db, sql`select name from organisations where id = ${orgId}`);
  if (!org) throw new AccountError(`No organisation with id ${orgId}`, 'org');
  return org.name;
}

/** The organisation a CLI command acts on: the named one, or the only one. */
export async function resolveOrganisation(db: Db, slug: string | undefined): Promise<Organisation> {
  const all = await listOrganisations(db);
  if (slug !== undefined) {
    const found = all.find((org) => org.slug === slug);
    if (!found) {
      const known = all.map((org) => org.slug).join(', ') || 'none yet';
      throw new AccountError(`No organisation with slug "${slug}" (known: ${known})`, 'org');
    }
    return found;
  }
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    throw new AccountError('There is no organisation yet: create one with `tracer org create SLUG --name NAME`', 'org');
  }
  throw new AccountError(
    `There are ${all.length} organisations (${all.map((o) => o.slug).join(', ')}): choose one with --org or TRACER_ORG`,
    'org',
  );
}

// ---------------------------------------------------------------- users and memberships

export interface NewMember {
  email: string;
  displayName?: string;
  role: MemberRole;
  password?: string;
}

export async function validatePassword(password: string): Promise<void> {
  if (password.length < 10) throw new AccountError('Password must be at least 10 characters long', 'password');
  if (password.length > 1024) throw new AccountError('Password must be at most 1024 characters long', 'password');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** Creates the user if new (or updates the password if given) and makes them a member with `role`. */
export async function addMember(db: Db, orgId: string, member: NewMember): Promise<{ userId: string }> {
  const email = member.email.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email)) throw new AccountError(`"${member.email}" is not an e-mail address`, 'email');
  if (member.password !== undefined) await validatePassword(member.password);
  const passwordHash = member.password === undefined ? undefined : await hashPassword(member.password);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email));
    let userId = existing?.id;
    if (userId === undefined) {
      const [created] = await tx
        .insert(users)
        .values({ email, displayName: member.displayName ?? email.split('@')[0]!, passwordHash: passwordHash ?? null })
        .returning({ id: users.id });
      userId = created!.id;
    } else if (passwordHash !== undefined) {
      await tx.update(users).set({ passwordHash, failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId));
    }
    await tx
      .insert(memberships)
      .values({ orgId, userId, role: member.role })
      .onConflictDoUpdate({ target: [memberships.orgId, memberships.userId], set: { role: member.role } });
    return { userId };
  });
}

export interface MemberSummary {
  userId: string;
  email: string;
  displayName: string;
  role: MemberRole;
}

export async function listMembers(tx: Tx): Promise<MemberSummary[]> {
  return tx
    .select({ userId: users.id, email: users.email, displayName: users.displayName, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .orderBy(users.email);
}

export async function changeRole(tx: Tx, actor: Actor, userId: string, role: MemberRole): Promise<MemberSummary> {
  const [before] = await tx.select({ role: memberships.role }).from(memberships).where(eq(memberships.userId, userId));
  if (!before) throw new AccountError('No such member in this organisation', 'userId');
  if (userId === actor.userId && role !== 'administrator') {
    throw new AccountError('Administrators cannot remove their own administrator role', 'role');
  }
  await tx.update(memberships).set({ role }).where(eq(memberships.userId, userId));
  await audit(tx, actor, 'member.role_changed', `user:${userId}`, { from: before.role, to: role });
  const members = await listMembers(tx);
  return members.find((m) => m.userId === userId)!;
}

// ---------------------------------------------------------------- sign-in and sessions

export type SignInResult =
  | { ok: true; sessionToken: string; actor: Actor }
  | { ok: false; reason: 'invalid' | 'locked' | 'no_membership'; retryAfterSeconds?: number };

/**
 * Checks e-mail and password. After five failures in a row the account locks, for a period that
 * doubles with each further failure (capped at an hour), even for the right password.
 */
export async function signIn(db: Db, email: string, password: string, now = new Date()): Promise<SignInResult> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  if (!user || user.passwordHash === null) {
    await argon2.hash(password, { type: argon2.argon2id }); // same cost as a real check: no timing oracle
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil !== null && user.lockedUntil > now) {
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000) };
  }
  const valid = await argon2.verify(user.passwordHash, password);
  if (!valid) {
    const failures = user.failedLogins + 1;
    const lockMinutes =
      failures >= LOCKOUT_AFTER_FAILURES ? Math.min(2 ** (failures - LOCKOUT_AFTER_FAILURES), MAX_LOCKOUT_MINUTES) : 0;
    await db
      .update(users)
      .set({ failedLogins: failures, lockedUntil: lockMinutes > 0 ? new Date(now.getTime() + lockMinutes * 60_000) : null })
      .where(eq(users.id, user.id));
    const [membership] = await db.select().from(memberships).where(eq(memberships.userId, user.id)).limit(1);
    if (membership) await auditSystem(db, membership.orgId, user.id, 'auth.login_failed', { failures });
    return { ok: false, reason: 'invalid' };
  }
  const [membership] = await db
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(eq(memberships.userId, user.id))
    .orderBy(organisations.slug)
    .limit(1);
  if (!membership) return { ok: false, reason: 'no_membership' };
  await db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  const sessionToken = randomToken();
  await db.insert(sessions).values({
    tokenHash: sha256(sessionToken),
    userId: user.id,
    orgId: membership.orgId,
    csrfToken: randomToken(),
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000),
  });
  await auditSystem(db, membership.orgId, user.id, 'auth.login', {});
  return {
    ok: true,
    sessionToken,
    actor: { userId: user.id, orgId: membership.orgId, role: membership.role, displayName: user.displayName, email: user.email },
  };
}

export async function resolveSession(db: Db, sessionToken: string, now = new Date()): Promise<Actor | undefined> {
  const [found] = await db
    .select({
      userId: users.id,
      orgId: memberships.orgId,
      role: memberships.role,
      displayName: users.displayName,
      email: users.email,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.orgId, sessions.orgId)))
    .where(and(eq(sessions.tokenHash, sha256(sessionToken)), gt(sessions.expiresAt, now)));
  return found;
}

export async function signOut(db: Db, sessionToken: string): Promise<void> {
  const [ended] = await db
    .delete(sessions)
    .where(eq(sessions.tokenHash, sha256(sessionToken)))
    .returning({ userId: sessions.userId, orgId: sessions.orgId });
  if (ended) await auditSystem(db, ended.orgId, ended.userId, 'auth.logout', {});
}

// ---------------------------------------------------------------- API tokens

const TOKEN_PREFIX = 'trc_';

export interface ApiTokenSummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Returns the secret once; only its hash is stored. The token acts with its owner's role. */
export async function createApiToken(
  tx: Tx,
  actor: Actor,
  name: string,
): Promise<{ token: string; summary: ApiTokenSummary }> {
  if (name.trim() === '') throw new AccountError('Token name must not be empty', 'name');
  const token = TOKEN_PREFIX + randomToken();
  const [created] = await tx
    .insert(apiTokens)
    .values({ orgId: actor.orgId, userId: actor.userId, name: name.trim(), secretHash: sha256(token) })
    .returning();
  await audit(tx, actor, 'api_token.created', `api_token:${created!.id}`, {});
  return { token, summary: toTokenSummary(created!) };
}

export async function listApiTokens(tx: Tx, actor: Actor): Promise<ApiTokenSummary[]> {
  const found = await tx.select().from(apiTokens).where(eq(apiTokens.userId, actor.userId)).orderBy(apiTokens.createdAt);
  return found.map(toTokenSummary);
}

export async function revokeApiToken(tx: Tx, actor: Actor, tokenId: string): Promise<boolean> {
  const [revoked] = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (revoked) await audit(tx, actor, 'api_token.revoked', `api_token:${tokenId}`, {});
  return revoked !== undefined;
}

export async function resolveApiToken(db: Db, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const [found] = await db
    .select({
      tokenId: apiTokens.id,
      userId: users.id,
      orgId: memberships.orgId,
      role: memberships.role,
      displayName: users.displayName,
      email: users.email,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(memberships, and(eq(memberships.userId, apiTokens.userId), eq(memberships.orgId, apiTokens.orgId)))
    .where(and(eq(apiTokens.secretHash, sha256(token)), isNull(apiTokens.revokedAt)));
  if (!found) return undefined;
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.orgId, found.orgId), eq(apiTokens.id, found.tokenId)));
  const { tokenId: _tokenId, ...actor } = found;
  return actor;
}

function toTokenSummary(row: typeof apiTokens.$inferSelect): ApiTokenSummary {
  return { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

// ---------------------------------------------------------------- audit log

/** Records a sensitive action. `details` must never contain personal data. */
export async function audit(
  tx: Tx,
  actor: Actor | undefined,
  action: string,
  target: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  await tx.execute(
    sql`insert into audit_log (org_id, actor_user_id, action, target, details)
        values (tracer_current_org(), ${actor?.userId ?? null}, ${action}, ${target}, ${JSON.stringify(details)}::jsonb)`,
  );
}

async function auditSystem(db: Db, orgId: string, userId: string, action: string, details: Record<string, unknown>) {
  await db.insert(auditLog).values({ orgId, actorUserId: userId, action, target: `user:${userId}`, details });
}

export interface AuditEntry {
  at: Date;
  actorUserId: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export async function listAudit(db: Queryable, limit = 200): Promise<AuditEntry[]> {
  return db
    .select({
      at: auditLog.at,
      actorUserId: auditLog.actorUserId,
      action: auditLog.action,
      target: auditLog.target,
      details: auditLog.details,
    })
    .from(auditLog)
    .orderBy(sql`${auditLog.at} desc`)
    .limit(limit);
}
