import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { instanceSettings } from './instance-schema.ts';

/**
 * A random secret generated once per installation and kept in the database, so that every
 * server process (and every restart) shares it without configuration.
 */
export async function instanceSecret(db: Db, key: string): Promise<string> {
  await db
    .insert(instanceSettings)
    .values({ key, value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  const [found] = await db.select({ value: instanceSettings.value }).from(instanceSettings).where(eq(instanceSettings.key, key));
  return found!.value;
}
