// Turns the server's own route table (`app.routeList`) into concrete requests, so that tests which
// must cover every route (isolation, roles) pick up routes added later without a hand-kept list:
// path parameters filled from a pool of values, and a body sampled from the route's JSON schema.
import { sql } from 'drizzle-orm';
import { organisationTables } from '../backup/tables.ts';
import { rows, type Database } from '../db/database.ts';
import type { RouteSummary } from '../http/server.ts';

type JsonSchema = {
  type?: string;
  format?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minimum?: number;
  minLength?: number;
  minItems?: number;
};

export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Every route a client can call (HEAD mirrors GET; the docs page's static files are Swagger UI's). */
export function callableRoutes(routeList: RouteSummary[]): RouteSummary[] {
  return routeList.filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/api/docs/static'));
}

/** Identifiers to put into path parameters and uuid fields, by table name, plus values for named parameters. */
export interface ValuePool {
  idsByTable: Map<string, string[]>;
  /** Ids of the organisation's members (for `:userId`). */
  userIds: string[];
  /** Values for non-identifier parameters (`key`, `period`, `code`…); unknown names get 'probe'. */
  named: Record<string, string[]>;
}

/** Up to two ids of each of an organisation's tables that have an `id` column, and its members' user ids. */
export async function valuePoolOf(database: Database, orgId: string, named: Record<string, string[]>): Promise<ValuePool> {
  const idsByTable = new Map<string, string[]>();
  for (const table of await organisationTables(database.system)) {
    if (!table.columns.includes('id')) continue;
    const found = await rows<{ id: string }>(
      database.system,
      sql`select id::text as id from ${sql.identifier(table.name)} where org_id = ${orgId} order by id limit 2`,
    );
    if (found.length > 0 && /^[0-9a-f-]{36}$/.test(found[0]!.id)) idsByTable.set(table.name, found.map((row) => row.id));
  }
  const members = await rows<{ id: string }>(database.system, sql`select user_id::text as id from memberships where org_id = ${orgId} order by user_id`);
  return { idsByTable, userIds: members.map((row) => row.id), named };
}

/** The route's path with its parameters filled: one concrete path per value of the parameter with the most values. */
export function concretePaths(route: RouteSummary, pool: ValuePool): string[] {
  const names = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  if (names.length === 0) return [route.url];
  const properties = ((route.schema.params ?? {}) as JsonSchema).properties ?? {};
  const choices = names.map((name) => valuesOfParameter(route.url, name, properties[name] ?? {}, pool));
  const count = Math.max(...choices.map((values) => values.length));
  return Array.from({ length: count }, (_, index) =>
    names.reduce((path, name, position) => {
      const values = choices[position]!;
      return path.replace(`:${name}`, encodeURIComponent(values[index % values.length]!));
    }, route.url),
  );
}

function valuesOfParameter(url: string, name: string, schema: JsonSchema, pool: ValuePool): string[] {
  const constants = (schema.anyOf ?? []).map((option) => option.const).filter((value) => value !== undefined);
  if (constants.length > 0) return constants.map(String);
  if (schema.type === 'integer' || schema.type === 'number') return [String(schema.minimum ?? 0)];
  if (schema.format === 'uuid') return idsFor(url, name, pool);
  return pool.named[name] ?? ['probe'];
}

/** Ids of the table the path segment before the parameter names (`/evaluations/:id` → evaluations), else one id of a few tables. */
function idsFor(url: string, name: string, pool: ValuePool): string[] {
  if (/^userId$/i.test(name)) return pool.userIds.slice(0, 2);
  const segments = url.split('/');
  const segment = segments[segments.indexOf(`:${name}`) - 1] ?? '';
  const table = segment.replaceAll('-', '_');
  const owned = pool.idsByTable.get(table) ?? pool.idsByTable.get(`${name.replace(/Id$/, '')}s`);
  if (owned) return owned;
  return [...pool.idsByTable.values()].map((ids) => ids[0]!).slice(0, 4);
}

/** A body that satisfies the route's schema as far as a generic sampler can: required and declared fields, ids from the pool. */
export function sampleBody(route: RouteSummary, pool: ValuePool): Record<string, unknown> | undefined {
  const schema = route.schema.body as JsonSchema | undefined;
  if (!schema) return undefined;
  const value = sample(schema, 'body', pool, 0);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function sample(schema: JsonSchema, name: string, pool: ValuePool, depth: number): unknown {
  if (depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf.find((option) => option.type !== 'null') ?? schema.anyOf[0]!, name, pool, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sample(part, name, pool, depth + 1)));
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, sample(inner, key, pool, depth + 1)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items ?? {}, name, pool, depth + 1));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string':
      return sampleString(schema, name, pool);
    default:
      return 'probe';
  }
}

function sampleString(schema: JsonSchema, name: string, pool: ValuePool): string {
  if (schema.format === 'uuid') return idsFor('', name, pool)[0] ?? '00000000-0000-4000-8000-000000000000';
  if (schema.format === 'date') return '2024-03-01';
  if (schema.format === 'date-time') return '2024-03-01T10:00:00Z';
  if (schema.format === 'email') return 'probe@example.org';
  return (pool.named[name]?.[0] ?? 'probe_value').padEnd(schema.minLength ?? 0, 'x');
}

/** The body as an HTML form posts it: arrays as repeated fields, nested objects left out. */
export function asFormFields(body: Record<string, unknown> | undefined): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body ?? {})) {
    for (const item of [value].flat()) if (item === null || typeof item !== 'object') form.append(key, String(item));
  }
  return form;
}

/**
 * One digest per organisation-owned table of the organisation's rows (every column), so that a test
 * can prove that nothing it did changed them. `except` leaves out tables a caller may legitimately change.
 */
export async function organisationDigest(database: Database, orgId: string, except: string[] = []): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const table of await organisationTables(database.system)) {
    if (except.includes(table.name)) continue;
    const [row] = await rows<{ digest: string | null; n: number }>(
      database.system,
      sql`select md5(string_agg(t::text, '|' order by t::text)) as digest, count(*)::int as n from ${sql.identifier(table.name)} t where org_id = ${orgId}`,
    );
    digest[table.name] = `${row!.n} ${row!.digest ?? ''}`;
  }
  return digest;
}
