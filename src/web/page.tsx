// The shared page shell: every server-rendered page goes through `renderPage`. Preact renders
// to a string and escapes every interpolated value; no framework code is sent to the browser.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Actor } from '../accounts/service.ts';
import { languageNames, languages, type Lang, type Translate } from './i18n/index.ts';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  t: Translate;
  lang: Lang;
  actor: Actor | undefined;
  /** Token to put in every form that posts. */
  csrfToken: string;
  /** Path and query of the current page, for the language switcher. */
  url: string;
}

interface LayoutProps {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
}

export function renderPage(props: LayoutProps): string {
  return '<!doctype html>' + renderToString(<Layout {...props} />);
}

function Layout({ ctx, title, children }: LayoutProps) {
  const { t, actor } = ctx;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('app.name')}`}</title>
        <link rel="stylesheet" href="/assets/tracer.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {t('nav.skip')}
        </a>
        <header class="site-header">
          <a class="brand" href="/">
            {t('app.name')}
          </a>
          {actor && (
            <nav aria-label="Main">
              <ul>
                <li>
                  <a href="/">{t('nav.home')}</a>
                </li>
                {actor.role === 'administrator' && (
                  <li>
                    <a href="/members">{t('nav.members')}</a>
                  </li>
                )}
                <li><a href="/activities">{t('nav.activities')}</a></li>
                <li><a href="/resources">{t('nav.resources')}</a></li>
                <li><a href="/participants">{t('nav.participants')}</a></li>
                <li><a href="/catalogue">{t('nav.catalogue')}</a></li>
                <li><a href="/instruments">{t('instruments.nav')}</a></li>
                <li><a href="/indicators">{t('nav.indicators')}</a></li>
                {actor.role !== 'trainer' && <li><a href="/dashboard">{t('nav.dashboard')}</a></li>}
                {actor.role !== 'trainer' && <li><a href="/report">{t('nav.report')}</a></li>}
                {(actor.role === 'administrator' || actor.role === 'evaluator') && (
                  <li>
                    <a href="/messages">{t('nav.messages')}</a>
                  </li>
                )}
                {actor.role !== 'trainer' && <li><a href="/waves">{t('nav.waves')}</a></li>}
                {actor.role !== 'trainer' && <li><a href="/evaluations">{t('nav.evaluations')}</a></li>}
                {actor.role !== 'trainer' && <li><a href="/evidence">{t('nav.evidence')}</a></li>}
                {actor.role !== 'viewer' && <li><a href="/trainer-ratings">{t('nav.trainer_ratings')}</a></li>}
                <li>
                  <a href="/tokens">{t('nav.tokens')}</a>
                </li>
                {actor.role === 'administrator' && (
                  <li>
                    <a href="/audit">{t('nav.audit')}</a>
                  </li>
                )}
                <li>
                  <a href="/api/docs">{t('nav.api')}</a>
                </li>
              </ul>
            </nav>
          )}
          <div class="header-tools">
            <LanguageSwitcher ctx={ctx} />
            {actor ? (
              <form method="post" action="/logout" class="inline">
                <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                <button type="submit">{t('nav.signout')}</button>
              </form>
            ) : (
              <a href="/login">{t('nav.signin')}</a>
            )}
          </div>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

function LanguageSwitcher({ ctx }: { ctx: PageContext }) {
  return (
    <nav aria-label={ctx.t('nav.language')} class="languages">
      <ul>
        {languages.map((lang) => (
          <li>
            {lang === ctx.lang ? (
              <span aria-current="true">{languageNames[lang]}</span>
            ) : (
              <a href={withQuery(ctx.url, 'lang', lang)} hreflang={lang} lang={lang}>
                {languageNames[lang]}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function withQuery(url: string, key: string, value: string): string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.set(key, value);
  return parsed.pathname + parsed.search;
}

/** Hidden CSRF field for forms that post. */
export function CsrfField({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

export function formatDate(value: Date | null, ctx: PageContext): string {
  if (value === null) return ctx.t('common.never');
  return new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(value);
}

/** A share (0–1) as a percentage in the page's language; a dash when there is none. */
export function formatPercent(value: number | null, ctx: PageContext): string {
  return value === null ? '–' : new Intl.NumberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}
