// The staff page that imports responses collected elsewhere: an upload form that works without
// JavaScript, and the outcome (counts, or every problem by row and column).
import { describeIssue, type ImportReport } from '../imports/importer.ts';
import { localise } from '../instruments/model.ts';
import type { InstrumentRow } from '../instruments/repository.ts';
import { CsrfField, renderPage, type PageContext } from '../web/page.tsx';

export type ImportView = { state: 'form' } | { state: 'done' | 'rejected'; report: ImportReport; instrumentKey: string };

export function importResponsesPage(ctx: PageContext, instruments: InstrumentRow[], view: ImportView): string {
  const { t } = ctx;
  const chosen = view.state === 'form' ? undefined : view.instrumentKey;
  return renderPage({
    ctx,
    title: t('response_import.title'),
    children: (
      <>
        <h1>{t('response_import.title')}</h1>
        {view.state === 'done' && (
          <p role="status">
            {t('response_import.done', { written: view.report.written, rows: view.report.rows, unchanged: view.report.unchanged ?? 0, skipped: view.report.skipped })}
          </p>
        )}
        {view.state !== 'form' && view.report.issues.length > 0 && (
          <div role={view.state === 'rejected' ? 'alert' : undefined}>
            <p>{view.state === 'rejected' ? t('response_import.rejected', { count: view.report.issues.length }) : t('response_import.skipped')}</p>
            <ul class="issues">
              {view.report.issues.slice(0, 200).map((issue) => (
                <li>{describeIssue(issue)}</li>
              ))}
            </ul>
          </div>
        )}
        <p>{t('response_import.explain')}</p>
        <form method="post" action="/responses/import" enctype="multipart/form-data">
          <CsrfField ctx={ctx} />
          <p>
            <label for="instrument">{t('response_import.instrument')}</label>
            <select id="instrument" name="instrument" required>
              {instruments.map((instrument) => (
                <option value={instrument.key} selected={instrument.key === chosen}>
                  {`${localise(instrument.title, ctx.lang)} (${instrument.key})`}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label for="file">{t('response_import.file')}</label>
            <input id="file" name="file" type="file" accept=".csv,.xlsx" required />
          </p>
          <p>
            <label for="mapping">{t('response_import.mapping')}</label>
            <textarea id="mapping" name="mapping" rows={6} aria-describedby="mapping-hint"></textarea>
            <span id="mapping-hint" class="muted">{t('response_import.mapping_hint')}</span>
          </p>
          <p>
            <input id="skipInvalid" name="skipInvalid" type="checkbox" />
            <label for="skipInvalid">{t('response_import.skip_invalid')}</label>
          </p>
          <p>
            <button type="submit">{t('response_import.submit')}</button>
          </p>
        </form>
      </>
    ),
  });
}
