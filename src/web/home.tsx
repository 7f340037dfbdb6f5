// The signed-in home page. A placeholder shell that later domains (indicators, response
// rates, follow-up actions) fill with their own panels.
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { organisations } from '../accounts/schema.ts';
import { requireRole } from '../http/request-context.ts';
import { renderPage } from './page.tsx';

export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/',
    { preHandler: requireRole(), schema: { tags: ['pages'], summary: 'Staff dashboard (HTML)', produces: ['text/html'] } },
    async (request, reply) => {
      const org = await request.inOrg(async (tx, actor) => {
        const [found] = await tx.select().from(organisations).where(eq(organisations.id, actor.orgId));
        return found!;
      });
      const ctx = request.pageContext(reply);
      const { t } = ctx;
      const actor = ctx.actor!;
      return reply.type('text/html; charset=utf-8').send(
        renderPage({
          ctx,
          title: t('home.title'),
          children: (
            <>
              <h1>{t('home.title')}</h1>
              <p>{t('home.welcome', { name: actor.displayName })}</p>
              <p>
                {t('home.organisation', { name: org.name })} · {t('home.role', { role: t(`role.${actor.role}`) })}
              </p>
              <p class="notice">{t('home.placeholder')}</p>
            </>
          ),
        }),
      );
    },
  );
};
