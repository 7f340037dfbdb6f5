// The retention purge runs by itself: once shortly after start-up, then every day.
import type { Database } from '../db/database.ts';
import { purgeEveryOrganisation } from './service.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_RUN_DELAY_MS = 60 * 1000;

interface PurgeLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function startRetentionPurge(database: Database, logger: PurgeLogger): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = purgeEveryOrganisation(database)
      .then((reports) => {
        for (const report of reports.filter((r) => r.participants > 0)) {
          logger.info({ org: report.slug, participants: report.participants, cutoff: report.cutoff }, 'personal data of inactive participants erased');
        }
      })
      .catch((error: Error) => logger.error({ err: error.message }, 'retention purge failed'));
  };
  const first = setTimeout(run, FIRST_RUN_DELAY_MS);
  const daily = setInterval(run, DAY_MS);
  first.unref();
  daily.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(daily);
      await running;
    },
  };
}
