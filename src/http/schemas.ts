// Schema pieces that every domain's routes share.
import { Type } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });

/** OpenAPI security requirement of staff routes: an API token or the session cookie. */
export const staffSecurity: Array<Record<string, string[]>> = [{ bearerToken: [] }, { sessionCookie: [] }];

export const HTML = 'text/html; charset=utf-8';
