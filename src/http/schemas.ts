// Schema pieces that every domain's routes share.
import { Type } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });

/** Whether a value from a form (where the schema cannot say `format: uuid`) is an id; anything else would fail in the database. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** OpenAPI security requirement of staff routes: an API token or the session cookie. */
export const staffSecurity: Array<Record<string, string[]>> = [{ bearerToken: [] }, { sessionCookie: [] }];

export const HTML = 'text/html; charset=utf-8';
