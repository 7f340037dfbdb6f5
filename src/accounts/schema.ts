import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgIdColumn, orgIsolation, tenantRole } from '../db/tenancy-schema.ts';

export const memberRoles = ['administrator', 'evaluator', 'viewer', 'trainer'] as const;
export type MemberRole = (typeof memberRoles)[number];
export const memberRole = pgEnum('member_role', memberRoles);

/** Tenants. A global (reference) table: tenant code sees only its own row. */
export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organisations_slug_key').on(t.slug),
    pgPolicy('own_organisation', { for: 'select', to: tenantRole, using: sql`${t.id} = tracer_current_org()` }),
  ],
);

/**
 * People who sign in. Global, because one person may belong to several organisations;
 * tenant code can read (never write) the users who are members of its organisation.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash'),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    pgPolicy('members_of_current_org', {
      for: 'select',
      to: tenantRole,
      using: sql`exists (select 1 from memberships m where m.user_id = ${t.id} and m.org_id = tracer_current_org())`,
    }),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('memberships_user_idx').on(t.userId), orgIsolation()],
);

/** Browser sessions. Tenant code has no access at all (RLS on, no policy for tracer_app). */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
).enableRLS();

/** Bearer tokens for scripts. Only the SHA-256 of the secret is kept. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('api_tokens_secret_idx').on(t.secretHash), orgIsolation()],
);

/** Sensitive actions: sign-ins, role changes, exports of personal data. Never holds personal data itself. */
export const auditLog = pgTable(
  'audit_log',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid('actor_user_id'),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('audit_log_at_idx').on(t.orgId, t.at), orgIsolation()],
);
