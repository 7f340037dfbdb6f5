import { memberRoles } from './schema.ts';
import type { ApiTokenSummary, AuditEntry, MemberSummary } from './service.ts';
import { CsrfField, formatDate, renderPage, type PageContext } from '../web/page.tsx';

export function loginPage(ctx: PageContext, options: { next: string; error?: string; email?: string }): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('login.title'),
    children: (
      <>
        <h1>{t('login.title')}</h1>
        <p class="muted">{t('app.tagline')}</p>
        {options.error && (
          <p class="error" role="alert" id="login-error">
            {options.error}
          </p>
        )}
        <form method="post" action="/login" aria-describedby={options.error ? 'login-error' : undefined}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="next" value={options.next} />
          <label for="email">{t('login.email')}</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={options.email ?? ''} />
          <label for="password">{t('login.password')}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <p>
            <button type="submit">{t('login.submit')}</button>
          </p>
        </form>
      </>
    ),
  });
}

export function membersPage(ctx: PageContext, members: MemberSummary[]): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('members.title'),
    children: (
      <>
        <h1>{t('members.title')}</h1>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('members.name')}</th>
              <th scope="col">{t('members.email')}</th>
              <th scope="col">{t('members.role')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr>
                <td>{member.displayName}</td>
                <td>{member.email}</td>
                <td>
                  <form method="post" action={`/members/${member.userId}/role`} class="inline">
                    <CsrfField ctx={ctx} />
                    <label class="visually-inline" for={`role-${member.userId}`}>
                      <span class="muted">{t('members.role')}</span>
                    </label>
                    <select id={`role-${member.userId}`} name="role">
                      {memberRoles.map((role) => (
                        <option value={role} selected={role === member.role}>
                          {t(`role.${role}`)}
                        </option>
                      ))}
                    </select>{' '}
                    <button type="submit" class="secondary">
                      {t('members.change')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ),
  });
}

export function tokensPage(ctx: PageContext, tokens: ApiTokenSummary[], newSecret?: string): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('tokens.title'),
    children: (
      <>
        <h1>{t('tokens.title')}</h1>
        <p>{t('tokens.intro')}</p>
        {newSecret && (
          <p class="notice" role="status">
            {t('tokens.new_secret')} <code class="secret">{newSecret}</code>
          </p>
        )}
        <form method="post" action="/tokens">
          <CsrfField ctx={ctx} />
          <label for="token-name">{t('tokens.name')}</label>
          <input id="token-name" name="name" required maxLength={100} />{' '}
          <button type="submit">{t('tokens.create')}</button>
        </form>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('tokens.name')}</th>
              <th scope="col">{t('tokens.created')}</th>
              <th scope="col">{t('tokens.last_used')}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr>
                <td>{token.name}</td>
                <td>{formatDate(token.createdAt, ctx)}</td>
                <td>{formatDate(token.lastUsedAt, ctx)}</td>
                <td>
                  {token.revokedAt ? (
                    t('tokens.revoked')
                  ) : (
                    <form method="post" action={`/tokens/${token.id}/revoke`} class="inline">
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="secondary">
                        {t('tokens.revoke')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ),
  });
}

export function auditPage(ctx: PageContext, entries: AuditEntry[]): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('audit.title'),
    children: (
      <>
        <h1>{t('audit.title')}</h1>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr>
                <td>{formatDate(entry.at, ctx)}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>{entry.target ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ),
  });
}
