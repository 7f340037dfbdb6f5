import type { ProblemDocument } from '../http/problem.ts';
import { renderPage, type PageContext } from './page.tsx';

export function renderErrorPage(ctx: PageContext, problem: ProblemDocument): string {
  const message =
    problem.status === 404 ? ctx.t('error.not_found') : problem.status === 403 ? ctx.t('error.forbidden') : problem.detail;
  return renderPage({
    ctx,
    title: ctx.t('error.title'),
    children: (
      <>
        <h1>{ctx.t('error.title')}</h1>
        <p class="error" role="alert">
          {message}
        </p>
        {problem.errors && (
          <ul>
            {problem.errors.map((issue) => (
              <li>
                <code>{issue.field}</code>: {issue.message}
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href="/">{ctx.t('error.back')}</a>
        </p>
      </>
    ),
  });
}
