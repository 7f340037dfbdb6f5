// `tracer import KIND FILE` and `tracer export KIND FILE`: the same imports as the web API, from
// and to files, with progress on standard error.
import { readFile, writeFile } from 'node:fs/promises';
import { Argument, type Command } from 'commander';
import { resolveOrganisation, type Actor } from '../accounts/service.ts';
import { UsageError, withDatabase } from '../cli/main.ts';
import { describeIssue, exportTable, ImportRejected, importTable } from './importer.ts';
import { importKind, importKindNames, type ImportKindName } from './kinds.ts';
import { formatOf } from './table.ts';

/** The CLI acts as an administrator of the organisation; audit entries have no user. */
function cliActor(orgId: string): Actor {
  return { userId: '00000000-0000-0000-0000-000000000000', orgId, role: 'administrator', displayName: 'tracer CLI', email: '' };
}

export function registerImportCommands(program: Command): void {
  program
    .command('import')
    .description('Import activities, resources, participants or enrolments from a CSV (UTF-8) or XLSX file; all rows or none')
    .addArgument(new Argument('<kind>', 'what the file holds').choices(importKindNames))
    .argument('<file>', 'CSV or XLSX file with a header row (see /api/templates/KIND.csv)')
    .option('--skip-invalid', 'write the valid rows and report the others instead of writing nothing')
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((kind: ImportKindName, file: string, options: { skipInvalid?: boolean; org?: string }) =>
      withDatabase(async (database, config) => {
        const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
          throw new UsageError(`cannot read ${file} (${error.code})`);
        });
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        try {
          const report = await importTable(database, cliActor(org.id), importKind(kind), {
            fileName: file,
            bytes,
            skipInvalid: options.skipInvalid === true,
            onProgress: (message) => process.stderr.write(`${message}\n`),
          });
          for (const issue of report.issues) process.stderr.write(`skipped: ${describeIssue(issue)}\n`);
          process.stdout.write(`Imported ${report.written} of ${report.rows} ${kind} into ${org.slug}${report.skipped ? ` (${report.skipped} rows skipped)` : ''}.\n`);
        } catch (error) {
          if (!(error instanceof ImportRejected)) throw error;
          for (const issue of error.report.issues) process.stderr.write(`${describeIssue(issue)}\n`);
          throw new UsageError(`${error.report.issues.length} problem(s) in ${file}; nothing was written (fix them, or use --skip-invalid)`);
        }
      }),
    );

  program
    .command('export')
    .description('Export activities, resources, participants or enrolments to a CSV or XLSX file (by its extension)')
    .addArgument(new Argument('<kind>', 'what to export').choices(importKindNames))
    .argument('<file>', 'file to write: .csv or .xlsx')
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((kind: ImportKindName, file: string, options: { org?: string }) =>
      withDatabase(async (database, config) => {
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        const bytes = await exportTable(database, cliActor(org.id), importKind(kind), formatOf(file, new Uint8Array()));
        await writeFile(file, bytes);
        process.stdout.write(`Exported ${kind} of ${org.slug} to ${file}.\n`);
      }),
    );
}
