import { CsrfField, formatDate, renderPage, type PageContext } from '../web/page.tsx';
import { messageStatuses } from './schema.ts';
import type { MessageCounts, MessageSummary } from './service.ts';

export function messagesPage(ctx: PageContext, counts: MessageCounts, messages: MessageSummary[]): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('messages.title'),
    children: (
      <>
        <h1>{t('messages.title')}</h1>
        <p>{t('messages.intro')}</p>
        <h2>{t('messages.counts')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('messages.status')}</th>
              <th scope="col">{t('messages.count')}</th>
            </tr>
          </thead>
          <tbody>
            {messageStatuses.map((status) => (
              <tr>
                <td>{t(`message_status.${status}`)}</td>
                <td>{counts[status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t('messages.latest')}</h2>
        {messages.length === 0 ? (
          <p class="muted">{t('messages.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('messages.created')}</th>
                <th scope="col">{t('messages.kind')}</th>
                <th scope="col">{t('messages.subject')}</th>
                <th scope="col">{t('messages.language')}</th>
                <th scope="col">{t('messages.status')}</th>
                <th scope="col">{t('messages.attempts')}</th>
                <th scope="col">{t('messages.sent')}</th>
                <th scope="col">{t('messages.error')}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr>
                  <td>{formatDate(message.createdAt, ctx)}</td>
                  <td>
                    <code>{message.kind}</code>
                  </td>
                  <td>{message.subject}</td>
                  <td>{message.language}</td>
                  <td>{t(`message_status.${message.status}`)}</td>
                  <td>{message.attempts}</td>
                  <td>{message.sentAt ? formatDate(message.sentAt, ctx) : ''}</td>
                  <td>{message.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    ),
  });
}

export type UnsubscribeView =
  | { state: 'confirm'; orgName: string; action: string }
  | { state: 'done'; orgName: string }
  | { state: 'invalid' };

/** The public unsubscribe page: works without JavaScript and never shows the address. */
export function unsubscribePage(ctx: PageContext, view: UnsubscribeView): string {
  const { t } = ctx;
  const title = view.state === 'confirm' ? t('unsubscribe.title') : view.state === 'done' ? t('unsubscribe.done_title') : t('unsubscribe.invalid_title');
  return renderPage({
    ctx,
    title,
    children: (
      <>
        <h1>{title}</h1>
        {view.state === 'confirm' && (
          <form method="post" action={view.action}>
            <CsrfField ctx={ctx} />
            <p>{t('unsubscribe.question', { org: view.orgName })}</p>
            <p class="muted">{t('unsubscribe.explain')}</p>
            <p>
              <button type="submit">{t('unsubscribe.confirm')}</button>
            </p>
          </form>
        )}
        {view.state === 'done' && (
          <p role="status">{t('unsubscribe.done', { org: view.orgName })}</p>
        )}
        {view.state === 'invalid' && <p>{t('unsubscribe.invalid')}</p>}
      </>
    ),
  });
}
