// The participants page: pseudonymous list with inclusion data; names only for permitted roles.
import { countryName } from './reference/m49.ts';
import type { ParticipantWithPersonalData } from './repository.ts';
import { renderPage, type PageContext } from '../web/page.tsx';

const humanise = (value: string | null) => (value ?? '').replace(/_/g, ' ');

export function participantsPage(ctx: PageContext, list: ParticipantWithPersonalData[], showsNames: boolean): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('participants.title'),
    children: (
      <>
        <h1>{t('participants.title')}</h1>
        {!showsNames && <p class="notice">{t('participants.personal_hidden')}</p>}
        <p>
          {t('participants.export')}: <a href="/api/exports/participants.csv">CSV</a> · <a href="/api/exports/participants.xlsx">XLSX</a> ·{' '}
          <a href="/api/exports/enrolments.csv">enrolments CSV</a>
        </p>
        {showsNames && (
          <p>
            <a href="/imports?kind=participants">{t('imports.link')}</a> · <a href="/imports?kind=enrolments">{t('imports.kind.enrolments')}</a>
          </p>
        )}
        <table>
          <thead>
            <tr>
              <th scope="col">{t('participants.id')}</th>
              {showsNames && <th scope="col">{t('participants.name')}</th>}
              <th scope="col">{t('participants.gender')}</th>
              <th scope="col">{t('participants.nationality')}</th>
              <th scope="col">{t('participants.region')}</th>
              <th scope="col">{t('participants.ldc')}</th>
              <th scope="col">{t('participants.constituent')}</th>
              <th scope="col">{t('participants.disability')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr>
                <td>{p.code}</td>
                {showsNames && <td>{[p.givenName, p.familyName].filter(Boolean).join(' ')}</td>}
                <td>{humanise(p.gender)}</td>
                <td>{p.nationality ? countryName(p.nationality, ctx.lang) : ''}</td>
                <td>{humanise(p.subRegion)}</td>
                <td>{p.ldc ? '✓' : ''}</td>
                <td>{humanise(p.constituentGroup)}</td>
                <td>{humanise(p.disabilityStatus)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ),
  });
}
