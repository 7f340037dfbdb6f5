// The signed-in home page: what needs attention now, gathered from the domains' services —
// survey waves open for answers with their response rates so far, follow-up actions past their
// due date, e-mails that failed — and the way to the dashboard. Each panel shows only to the
// roles that may open the page it links to.
import type { FastifyPluginAsync } from 'fastify';
import { organisationName } from '../accounts/service.ts';
import type { MemberRole } from '../accounts/schema.ts';
import * as evaluations from '../evaluations/service.ts';
import type { OverdueActionRow } from '../evaluations/repository.ts';
import { countMessages, type MessageCounts } from '../messaging/service.ts';
import { requireRole } from '../http/request-context.ts';
import { openWaves, type OpenWave } from '../waves/service.ts';
import { formatDate, formatPercent, renderPage, type PageContext } from './page.tsx';

const SHOWN_PER_PANEL = 8;
const canFollow = (role: MemberRole) => role !== 'trainer';
const canSeeOutbox = (role: MemberRole) => role === 'administrator' || role === 'evaluator';

interface HomeData {
  organisationName: string;
  waves: OpenWave[] | undefined;
  overdue: OverdueActionRow[] | undefined;
  messages: MessageCounts | undefined;
}

export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/',
    { preHandler: requireRole(), schema: { tags: ['pages'], summary: 'Home: what needs attention (HTML)', produces: ['text/html'] } },
    async (request, reply) => {
      const data = await request.inOrg(async (tx, actor): Promise<HomeData> => {
        return {
          organisationName: await organisationName(tx, actor.orgId),
          waves: canFollow(actor.role) ? await openWaves(tx) : undefined,
          overdue: canFollow(actor.role) ? await evaluations.overdueActions(tx, evaluations.systemClock) : undefined,
          messages: canSeeOutbox(actor.role) ? await countMessages(tx) : undefined,
        };
      });
      const ctx = request.pageContext(reply);
      return reply.type('text/html; charset=utf-8').send(renderPage({ ctx, title: ctx.t('home.title'), children: <Home ctx={ctx} data={data} /> }));
    },
  );
};

function Home({ ctx, data }: { ctx: PageContext; data: HomeData }) {
  const { t } = ctx;
  const actor = ctx.actor!;
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>{t('home.welcome', { name: actor.displayName })}</p>
      <p>
        {t('home.organisation', { name: data.organisationName })} · {t('home.role', { role: t(`role.${actor.role}`) })}
      </p>
      {actor.role === 'trainer' ? (
        <p>
          <a href="/trainer-ratings">{t('home.own_ratings')}</a>
        </p>
      ) : (
        <p>
          <a href="/dashboard">{t('home.to_dashboard')}</a>
        </p>
      )}
      {data.waves && <OpenWaves ctx={ctx} waves={data.waves} />}
      {data.overdue && <OverdueActions ctx={ctx} actions={data.overdue} />}
      {data.messages && <FailedMessages ctx={ctx} counts={data.messages} />}
    </>
  );
}

function OpenWaves({ ctx, waves }: { ctx: PageContext; waves: OpenWave[] }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="home-waves">
      <h2 id="home-waves">{t('home.open_waves', { count: waves.length })}</h2>
      {waves.length === 0 ? (
        <p>{t('home.no_open_waves')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('home.wave')}</th>
              <th scope="col">{t('home.closes')}</th>
              <th scope="col" class="num">{t('home.invited')}</th>
              <th scope="col" class="num">{t('home.complete')}</th>
              <th scope="col" class="num">RR1</th>
            </tr>
          </thead>
          <tbody>
            {waves.slice(0, SHOWN_PER_PANEL).map(({ wave, rates }) => (
              <tr key={wave.id}>
                <td>
                  <a href={`/waves/${wave.id}`}>{wave.name}</a>
                  {wave.activities.length > 0 && <> · {wave.activities.map((a) => a.code).join(', ')}</>}
                </td>
                <td>{formatDate(wave.closesAt, ctx)}</td>
                <td class="num">{rates?.invited ?? 0}</td>
                <td class="num">{rates?.complete ?? 0}</td>
                <td class="num">{formatPercent(rates?.rr1 ?? null, ctx)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {waves.length > SHOWN_PER_PANEL && <p><a href="/waves">{t('home.all_waves')}</a></p>}
    </section>
  );
}

function OverdueActions({ ctx, actions }: { ctx: PageContext; actions: OverdueActionRow[] }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="home-overdue">
      <h2 id="home-overdue">{t('home.overdue_actions', { count: actions.length })}</h2>
      {actions.length === 0 ? (
        <p>{t('home.no_overdue_actions')}</p>
      ) : (
        <ul>
          {actions.slice(0, SHOWN_PER_PANEL).map((action) => (
            <li key={action.id}>
              <a href={`/evaluations/${action.evaluationId}`}>{action.evaluationTitle}</a>, {t('home.recommendation', { number: action.recommendationNumber })}:{' '}
              {action.description} — {action.responsibleUnit}, {t('home.days_overdue', { days: action.daysOverdue })}
            </li>
          ))}
        </ul>
      )}
      {actions.length > 0 && <p><a href="/follow-up">{t('home.follow_up')}</a></p>}
    </section>
  );
}

function FailedMessages({ ctx, counts }: { ctx: PageContext; counts: MessageCounts }) {
  const { t } = ctx;
  const failed = counts.failed + counts.bounced;
  return (
    <section aria-labelledby="home-messages">
      <h2 id="home-messages">{t('home.messages')}</h2>
      <p>
        {failed === 0 ? t('home.no_failed_messages') : t('home.failed_messages', { count: failed })} <a href="/messages">{t('home.outbox')}</a>
      </p>
    </section>
  );
}
