// The staff import page: choose what the file holds, download its template, upload a CSV or XLSX
// file, and read the result — rows created and updated, or every problem by file, row and column.
import type { ImportIssue, ImportReport } from './importer.ts';
import { importKinds, importKindNames, type ImportKindName } from './kinds.ts';
import { CsrfField, renderPage, type PageContext } from '../web/page.tsx';

export type ImportOutcome =
  | { kind: ImportKindName; outcome: 'written'; report: ImportReport }
  | { kind: ImportKindName; outcome: 'rejected'; report: ImportReport };

export interface ImportFormState {
  kind?: ImportKindName;
  skipInvalid?: boolean;
  /** A problem with the uploaded file itself (none chosen, wrong type), shown next to the file field. */
  fileError?: string;
}

export function importPage(ctx: PageContext, state: ImportFormState, result?: ImportOutcome): string {
  const { t } = ctx;
  const selected = state.kind ?? 'activities';
  return renderPage({
    ctx,
    title: t('imports.title'),
    children: (
      <>
        <h1>{t('imports.title')}</h1>
        {result && <ImportResult ctx={ctx} result={result} />}
        <form method="post" action="/imports" enctype="multipart/form-data">
          <h2>{t('imports.upload')}</h2>
          <CsrfField ctx={ctx} />
          <label for="import-kind">{t('imports.kind')}</label>
          <select id="import-kind" name="kind">
            {importKindNames.map((kind) => (
              <option value={kind} selected={kind === selected}>{t(`imports.kind.${kind}`)}</option>
            ))}
          </select>
          <label for="import-file">{t('imports.file')}</label>
          <input
            id="import-file"
            name="file"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            required
            aria-invalid={state.fileError ? 'true' : undefined}
            aria-describedby={state.fileError ? 'import-file-error' : 'import-file-help'}
          />
          <p id="import-file-help" class="muted">{t('imports.file_help')}</p>
          {state.fileError && <p id="import-file-error" class="field-error" role="alert">{state.fileError}</p>}
          <p>
            <input id="import-skip" name="skip_invalid" type="checkbox" value="yes" checked={state.skipInvalid === true} />{' '}
            <label for="import-skip">{t('imports.skip_invalid')}</label>
          </p>
          <p><button type="submit">{t('imports.submit')}</button></p>
        </form>
        <h2>{t('imports.templates')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('imports.kind')}</th>
              <th scope="col">{t('imports.template')}</th>
              <th scope="col">{t('imports.columns')}</th>
              <th scope="col">{t('imports.export')}</th>
            </tr>
          </thead>
          <tbody>
            {importKindNames.map((kind) => (
              <tr>
                <th scope="row">{t(`imports.kind.${kind}`)}</th>
                <td>
                  <a href={`/api/templates/${kind}.csv`}>CSV</a> · <a href={`/api/templates/${kind}.xlsx`}>XLSX</a>
                </td>
                <td>
                  <code>{importKinds[kind].columns.join(', ')}</code>
                  <br />
                  <span class="muted">{t('imports.required', { columns: importKinds[kind].required.join(', ') })}</span>
                </td>
                <td>
                  <a href={`/api/exports/${kind}.csv`}>CSV</a> · <a href={`/api/exports/${kind}.xlsx`}>XLSX</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ),
  });
}

function ImportResult({ ctx, result }: { ctx: PageContext; result: ImportOutcome }) {
  const { t } = ctx;
  const { report } = result;
  if (result.outcome === 'rejected') {
    return (
      <section class="notice error" role="alert" aria-labelledby="import-result">
        <h2 id="import-result">{t('imports.rejected', { file: report.file, count: report.issues.length })}</h2>
        <p>{t('imports.nothing_written')}</p>
        <IssueTable ctx={ctx} issues={report.issues} />
      </section>
    );
  }
  return (
    <section class="notice" role="status" aria-labelledby="import-result">
      <h2 id="import-result">{t('imports.done', { file: report.file })}</h2>
      <ul class="import-counts">
        <li>{t('imports.rows', { count: report.rows })}</li>
        <li>{t('imports.created', { count: report.created })}</li>
        <li>{t('imports.updated', { count: report.updated })}</li>
        {report.skipped > 0 && <li>{t('imports.skipped', { count: report.skipped })}</li>}
      </ul>
      {report.issues.length > 0 && (
        <>
          <h3>{t('imports.skipped_rows')}</h3>
          <IssueTable ctx={ctx} issues={report.issues} />
        </>
      )}
      <p><a href={listPage[result.kind]}>{t(`imports.kind.${result.kind}`)}</a></p>
    </section>
  );
}

const listPage: Record<ImportKindName, string> = {
  activities: '/activities',
  resources: '/resources',
  participants: '/participants',
  enrolments: '/participants',
};

function IssueTable({ ctx, issues }: { ctx: PageContext; issues: ImportIssue[] }) {
  const { t } = ctx;
  return (
    <table class="import-issues">
      <thead>
        <tr>
          <th scope="col">{t('imports.issue_file')}</th>
          <th scope="col">{t('imports.issue_row')}</th>
          <th scope="col">{t('imports.issue_column')}</th>
          <th scope="col">{t('imports.issue_expected')}</th>
        </tr>
      </thead>
      <tbody>
        {issues.map((issue) => (
          <tr>
            <td>{issue.sheet ? t('imports.issue_sheet', { file: issue.file, sheet: issue.sheet }) : issue.file}</td>
            <td>{issue.row}</td>
            <td>{issue.column || '—'}</td>
            <td>{issue.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
