// `tracer backup` and `tracer restore`: one organisation or the whole database, as a file that
// any later PostgreSQL major version (and PGlite) can read back — also the way to move an
// organisation from the embedded database to a PostgreSQL server.
import type { Command } from 'commander';
import { resolveOrganisation } from '../accounts/service.ts';
import type { WithDatabase } from '../messaging/cli.ts';
import { backupTo } from './backup.ts';
import { BackupFileError, type BackupScope, type TableSummary } from './format.ts';
import { restoreFrom } from './restore.ts';

const printTable = (summary: TableSummary) => process.stderr.write(`  ${summary.table}: ${summary.rows} rows\n`);

export function registerBackupCommands(program: Command, withDatabase: WithDatabase): void {
  program
    .command('backup')
    .description('Write one organisation (--org SLUG) or the whole database (--all) to FILE (gzip JSON lines with per-table checksums)')
    .argument('<file>', 'where to write the backup, e.g. itc-2026-11-22.tracer-backup.gz')
    .option('--org <slug>', 'back up this organisation and its members’ accounts')
    .option('--all', 'back up every organisation, every account and the installation settings')
    .action((file: string, options: { org?: string; all?: boolean }) =>
      withDatabase(async (database) => {
        if (Boolean(options.org) === Boolean(options.all)) throw new BackupFileError('Say what to back up: --org SLUG or --all');
        let scope: BackupScope = { kind: 'database' };
        if (options.org) {
          const org = await resolveOrganisation(database.system, options.org);
          scope = { kind: 'organisation', id: org.id, slug: org.slug };
        }
        const tables = await backupTo(database, file, scope, printTable);
        process.stdout.write(`Backed up ${describe(scope)}: ${tables.reduce((sum, t) => sum + t.rows, 0)} rows in ${tables.length} tables to ${file}\n`);
      }),
    );

  program
    .command('restore')
    .description('Restore a backup FILE into this database, in one transaction, checked table by table against its checksums')
    .argument('<file>', 'a file written by `tracer backup`')
    .option('--replace', 'the organisation exists here: replace its data with the backup’s')
    .action((file: string, options: { replace?: boolean }) =>
      withDatabase(async (database) => {
        const report = await restoreFrom(database, file, { replace: options.replace === true }, printTable);
        const total = report.tables.reduce((sum, t) => sum + t.rows, 0);
        const kept = report.existingUsersKept > 0 ? `; ${report.existingUsersKept} account(s) already here were kept` : '';
        process.stdout.write(`Restored ${describe(report.scope)}: ${total} rows in ${report.tables.length} tables, checksums verified${kept}\n`);
      }),
    );
}

function describe(scope: BackupScope): string {
  return scope.kind === 'organisation' ? `organisation ${scope.slug}` : 'the whole database';
}
