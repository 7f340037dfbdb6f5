// `tracer import KIND FILE` and `tracer export KIND FILE`: the same imports as the web API, from
// and to files, with progress on standard error.
import { readFile, writeFile } from 'node:fs/promises';
import { Argument, type Command } from 'commander';
import { resolveOrganisation, type Actor } from '../accounts/service.ts';
import { UsageError, withDatabase } from '../cli/main.ts';
import { Problem } from '../http/problem.ts';
import { MappingError, parseMapping, responseImport } from '../responses/import.ts';
import { describeIssue, exportTable, ImportRejected, importTable, type ImportKind } from './importer.ts';
import { importKind, importKindNames, type ImportKindName } from './kinds.ts';
import { formatOf } from './table.ts';

/** The CLI acts as an administrator of the organisation; audit entries have no user. */
function cliActor(orgId: string): Actor {
  return { userId: '00000000-0000-0000-0000-000000000000', orgId, role: 'administrator', displayName: 'tracer CLI', email: '' };
}

export function registerImportCommands(program: Command): void {
  program
    .command('import')
    .description(
      'Import activities, resources, participants, enrolments or survey responses from a CSV (UTF-8) or XLSX file; all rows or none. ' +
        'Responses (--instrument KEY): one row per response, participant_id, activity_code, submitted_at and one column per question key, ' +
        'or a KoboToolbox, ODK Central or Qualtrics export as it comes',
    )
    .addArgument(new Argument('<kind>', 'what the file holds').choices([...importKindNames, 'responses']))
    .argument('<file>', 'CSV or XLSX file with a header row (see /api/templates/KIND.csv)')
    .option('--instrument <key>', 'responses: the key of the instrument they answer (its latest published version)')
    .option('--mapping <file>', 'responses: a column-mapping file (CSV column,target[,value,code] or JSON) for other layouts')
    .option('--skip-invalid', 'write the valid rows and report the others instead of writing nothing')
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((kind: ImportKindName | 'responses', file: string, options: { skipInvalid?: boolean; org?: string; instrument?: string; mapping?: string }) =>
      withDatabase(async (database, config) => {
        const read = (path: string) =>
          readFile(path).catch((error: NodeJS.ErrnoException) => {
            throw new UsageError(`cannot read ${path} (${error.code})`);
          });
        const bytes = await read(file);
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        let chosen: ImportKind<unknown>;
        if (kind === 'responses') {
          if (!options.instrument) throw new UsageError('importing responses needs --instrument KEY (the instrument they answer)');
          let mapping;
          try {
            mapping = options.mapping ? await parseMapping(options.mapping, await read(options.mapping)) : undefined;
          } catch (error) {
            if (error instanceof MappingError) throw new UsageError(error.message);
            throw error;
          }
          chosen = (await responseImport(database, cliActor(org.id), { instrumentKey: options.instrument, mapping }).catch((error: unknown) => {
            if (error instanceof Problem) throw new UsageError(error.detail);
            throw error;
          })) as unknown as ImportKind<unknown>;
        } else {
          if (options.instrument || options.mapping) throw new UsageError('--instrument and --mapping are for importing responses');
          chosen = importKind(kind);
        }
        try {
          const report = await importTable(database, cliActor(org.id), chosen, {
            fileName: file,
            bytes,
            skipInvalid: options.skipInvalid === true,
            onProgress: (message) => process.stderr.write(`${message}\n`),
          });
          for (const issue of report.issues) process.stderr.write(`skipped: ${describeIssue(issue)}\n`);
          const unchanged = report.unchanged ? `; ${report.unchanged} imported before, left unchanged` : '';
          process.stdout.write(`Imported ${report.written} of ${report.rows} ${kind} into ${org.slug}${report.skipped ? ` (${report.skipped} rows skipped)` : ''}${unchanged}.\n`);
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
    .option('--with-names', 'participants: include names, e-mails and phones (pseudonymised otherwise; audit-logged either way)')
    .action((kind: ImportKindName, file: string, options: { org?: string; withNames?: boolean }) =>
      withDatabase(async (database, config) => {
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        const personalData = options.withNames ? 'named' : 'pseudonymised';
        const bytes = await exportTable(database, cliActor(org.id), importKind(kind), formatOf(file, new Uint8Array()), { personalData });
        await writeFile(file, bytes);
        process.stdout.write(`Exported ${kind} of ${org.slug} to ${file}.\n`);
      }),
    );
}
