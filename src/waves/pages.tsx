// Staff pages of survey waves: the list with response rates, one wave with its invitations, the
// form to create a wave, and the organisation's default plan.
import { CsrfField, formatDate, formatPercent, renderPage, type PageContext } from '../web/page.tsx';
import type { MessageKey } from '../web/i18n/index.ts';
import { enrolmentStatuses } from '../people/vocabulary.ts';
import type { WavePlanItem } from './model.ts';
import type { ActivityFacts } from './repository.ts';
import type { InvitationListRow, PlanOutcome, RateRow, WaveListRow } from './service.ts';

function waveState(wave: WaveListRow, now: Date): 'cancelled' | 'scheduled' | 'open' | 'closed' {
  if (wave.cancelledAt) return 'cancelled';
  if (now < wave.opensAt) return 'scheduled';
  return now < wave.closesAt ? 'open' : 'closed';
}

const canManage = (ctx: PageContext) => ctx.actor?.role === 'administrator' || ctx.actor?.role === 'evaluator';

function RateCells({ rate, ctx }: { rate: RateRow | undefined; ctx: PageContext }) {
  const r = rate ?? { eligible: 0, invited: 0, delivered: 0, bounced: 0, opened: 0, partial: 0, complete: 0, rr1: null, rr2: null };
  return (
    <>
      <td class="num">{r.eligible}</td>
      <td class="num">{r.invited}</td>
      <td class="num">{r.delivered}</td>
      <td class="num">{r.bounced}</td>
      <td class="num">{r.opened}</td>
      <td class="num">{r.partial}</td>
      <td class="num">{r.complete}</td>
      <td class="num">{formatPercent(r.rr1, ctx)}</td>
      <td class="num">{formatPercent(r.rr2, ctx)}</td>
    </>
  );
}

function RateHeaders({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <>
      <th scope="col">{t('waves.eligible')}</th>
      <th scope="col">{t('waves.invited')}</th>
      <th scope="col">{t('waves.delivered')}</th>
      <th scope="col">{t('waves.bounced')}</th>
      <th scope="col">{t('waves.opened')}</th>
      <th scope="col">{t('waves.partial')}</th>
      <th scope="col">{t('waves.complete')}</th>
      <th scope="col">
        <abbr title={t('waves.rr1_explain')}>RR1</abbr>
      </th>
      <th scope="col">
        <abbr title={t('waves.rr2_explain')}>RR2</abbr>
      </th>
    </>
  );
}

export function wavesPage(ctx: PageContext, waves: WaveListRow[], rates: Map<string, RateRow>, byPurpose: RateRow[], now: Date): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('waves.title'),
    children: (
      <>
        <h1>{t('waves.title')}</h1>
        <p>{t('waves.intro')}</p>
        {canManage(ctx) && (
          <p>
            <a href="/waves/new">{t('waves.new')}</a> · <a href="/waves/plan">{t('waves.plan_link')}</a>
          </p>
        )}
        <h2>{t('waves.by_purpose')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('waves.purpose')}</th>
              <th scope="col">{t('waves.count')}</th>
              <RateHeaders ctx={ctx} />
            </tr>
          </thead>
          <tbody>
            {byPurpose.map((rate) => (
              <tr>
                <th scope="row">{rate.groupKey}</th>
                <td class="num">{rate.waves}</td>
                <RateCells rate={rate} ctx={ctx} />
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t('waves.list')}</h2>
        {waves.length === 0 ? (
          <p class="muted">{t('waves.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('waves.name')}</th>
                <th scope="col">{t('waves.instrument')}</th>
                <th scope="col">{t('waves.opens')}</th>
                <th scope="col">{t('waves.closes')}</th>
                <th scope="col">{t('waves.state')}</th>
                <RateHeaders ctx={ctx} />
              </tr>
            </thead>
            <tbody>
              {waves.map((wave) => (
                <tr>
                  <td>
                    <a href={`/waves/${wave.id}`}>{wave.name}</a>
                  </td>
                  <td>
                    <code>{wave.instrumentKey}</code> v{wave.version}
                  </td>
                  <td>{formatDate(wave.opensAt, ctx)}</td>
                  <td>{formatDate(wave.closesAt, ctx)}</td>
                  <td>{t(`waves.state_${waveState(wave, now)}` as MessageKey)}</td>
                  <RateCells rate={rates.get(wave.id)} ctx={ctx} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    ),
  });
}

export function wavePage(ctx: PageContext, wave: WaveListRow, rate: RateRow | undefined, invitations: InvitationListRow[], now: Date): string {
  const { t } = ctx;
  const manage = canManage(ctx);
  return renderPage({
    ctx,
    title: wave.name,
    children: (
      <>
        <p>
          <a href="/waves">{t('waves.title')}</a>
        </p>
        <h1>{wave.name}</h1>
        <dl>
          <dt>{t('waves.instrument')}</dt>
          <dd>
            <code>{wave.instrumentKey}</code> v{wave.version} ({wave.purpose})
          </dd>
          <dt>{t('waves.activities')}</dt>
          <dd>{wave.activities.map((a) => `${a.code} · ${a.title}`).join('; ')}</dd>
          <dt>{t('waves.population')}</dt>
          <dd>{wave.population === 'resource_persons' ? t('waves.population_resource_persons') : `${t('waves.population_participants')} (${wave.eligibleStatuses.join(', ')})`}</dd>
          <dt>{t('waves.opens')}</dt>
          <dd>{formatDate(wave.opensAt, ctx)}</dd>
          <dt>{t('waves.closes')}</dt>
          <dd>{formatDate(wave.closesAt, ctx)}</dd>
          <dt>{t('waves.reminders')}</dt>
          <dd>{wave.reminderDays.join(', ')}</dd>
          <dt>{t('waves.state')}</dt>
          <dd>{t(`waves.state_${waveState(wave, now)}` as MessageKey)}</dd>
        </dl>
        <h2>{t('waves.rates')}</h2>
        <table>
          <thead>
            <tr>
              <RateHeaders ctx={ctx} />
            </tr>
          </thead>
          <tbody>
            <tr>
              <RateCells rate={rate} ctx={ctx} />
            </tr>
          </tbody>
        </table>
        <p class="muted small">{t('waves.rates_note')}</p>
        {manage && !wave.cancelledAt && (
          <form method="post" action={`/waves/${wave.id}/cancel`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="secondary">
              {t('waves.cancel')}
            </button>
          </form>
        )}
        <h2>{t('waves.invitations')}</h2>
        {invitations.length === 0 ? (
          <p class="muted">{t('waves.no_invitations')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('waves.participant')}</th>
                <th scope="col">{t('waves.activity')}</th>
                <th scope="col">{t('waves.language')}</th>
                <th scope="col">{t('waves.email')}</th>
                <th scope="col">{t('waves.reminders_sent')}</th>
                <th scope="col">{t('waves.opened')}</th>
                <th scope="col">{t('waves.response')}</th>
                {manage && <th scope="col">{t('waves.revoke')}</th>}
              </tr>
            </thead>
            <tbody>
              {invitations.map((invitation) => (
                <tr>
                  <td>{invitation.participantCode}</td>
                  <td>{invitation.activityCode}</td>
                  <td>{invitation.language}</td>
                  <td>{invitation.messageStatus ?? '–'}</td>
                  <td class="num">{invitation.remindersSent}</td>
                  <td>{invitation.openedAt ? formatDate(new Date(invitation.openedAt), ctx) : '–'}</td>
                  <td>{invitation.response === null ? '–' : t(invitation.response === 'complete' ? 'waves.complete' : 'waves.partial')}</td>
                  {manage && (
                    <td>
                      {invitation.revokedAt ? (
                        t('waves.revoked')
                      ) : (
                        <form method="post" action={`/waves/${wave.id}/invitations/${invitation.id}/revoke`}>
                          <CsrfField ctx={ctx} />
                          <button type="submit" class="secondary">
                            {t('waves.revoke')}
                          </button>
                        </form>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    ),
  });
}

export interface WaveFormChoices {
  instruments: Array<{ id: string; key: string; latestVersion: number | null }>;
  activities: ActivityFacts[];
}

export function newWavePage(ctx: PageContext, choices: WaveFormChoices, error?: string): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('waves.new'),
    children: (
      <>
        <p>
          <a href="/waves">{t('waves.title')}</a>
        </p>
        <h1>{t('waves.new')}</h1>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <form method="post" action="/waves">
          <CsrfField ctx={ctx} />
          <p>
            <label for="name">{t('waves.name')}</label>
            <input id="name" name="name" required maxLength={200} />
          </p>
          <p>
            <label for="instrumentId">{t('waves.instrument')}</label>
            <select id="instrumentId" name="instrumentId" required>
              {choices.instruments
                .filter((i) => i.latestVersion !== null)
                .map((i) => (
                  <option value={i.id}>
                    {i.key} v{i.latestVersion}
                  </option>
                ))}
            </select>
          </p>
          <p>
            <label for="activityIds">{t('waves.activities')}</label>
            <select id="activityIds" name="activityIds" multiple required size={8}>
              {choices.activities.map((a) => (
                <option value={a.id}>
                  {a.code} · {a.title} ({a.startDate} – {a.endDate})
                </option>
              ))}
            </select>
          </p>
          <fieldset>
            <legend>{t('waves.population')}</legend>
            <label>
              <input type="radio" name="population" value="participants" checked /> {t('waves.population_participants')}
            </label>
            <label>
              <input type="radio" name="population" value="resource_persons" /> {t('waves.population_resource_persons')}
            </label>
            <p>{t('waves.eligible_statuses')}</p>
            {enrolmentStatuses.map((status) => (
              <label>
                <input type="checkbox" name="eligibleStatuses" value={status} checked={status === 'completed' || status === 'certified'} /> {status}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('waves.schedule')}</legend>
            <label for="anchor">{t('waves.anchor')}</label>
            <select id="anchor" name="anchor">
              <option value="end">{t('waves.anchor_end')}</option>
              <option value="start">{t('waves.anchor_start')}</option>
              <option value="fixed">{t('waves.anchor_fixed')}</option>
            </select>
            <label for="offsetMonths">{t('waves.offset_months')}</label>
            <input id="offsetMonths" name="offsetMonths" type="number" value="0" />
            <label for="offsetDays">{t('waves.offset_days')}</label>
            <input id="offsetDays" name="offsetDays" type="number" value="0" />
            <label for="openDays">{t('waves.open_days')}</label>
            <input id="openDays" name="openDays" type="number" value="21" min={1} max={366} />
            <label for="opensAt">{t('waves.opens')}</label>
            <input id="opensAt" name="opensAt" type="date" />
            <label for="closesAt">{t('waves.closes')}</label>
            <input id="closesAt" name="closesAt" type="date" />
            <p class="muted small">{t('waves.schedule_note')}</p>
          </fieldset>
          <p>
            <label for="reminderDays">{t('waves.reminders')}</label>
            <input id="reminderDays" name="reminderDays" value="7 14" />
          </p>
          <p>
            <button type="submit">{t('waves.create')}</button>
          </p>
        </form>
      </>
    ),
  });
}

export function planPage(ctx: PageContext, settings: { autoApply: boolean; plan: WavePlanItem[] }, activities: ActivityFacts[], outcome?: PlanOutcome): string {
  const { t } = ctx;
  return renderPage({
    ctx,
    title: t('waves.plan_title'),
    children: (
      <>
        <p>
          <a href="/waves">{t('waves.title')}</a>
        </p>
        <h1>{t('waves.plan_title')}</h1>
        <p>{t('waves.plan_intro')}</p>
        {outcome && (
          <p role="status">
            {t('waves.plan_applied', { created: outcome.created.length })}
            {outcome.skipped.map((s) => ` ${s.item}: ${s.reason}.`).join('')}
          </p>
        )}
        <table>
          <thead>
            <tr>
              <th scope="col">{t('waves.name')}</th>
              <th scope="col">{t('waves.instrument')}</th>
              <th scope="col">{t('waves.anchor')}</th>
              <th scope="col">{t('waves.offset_months')}</th>
              <th scope="col">{t('waves.offset_days')}</th>
              <th scope="col">{t('waves.open_days')}</th>
              <th scope="col">{t('waves.reminders')}</th>
            </tr>
          </thead>
          <tbody>
            {settings.plan.map((item) => (
              <tr>
                <td>{item.name}</td>
                <td>
                  <code>{item.instrumentKey}</code>
                </td>
                <td>{t(item.anchor === 'start' ? 'waves.anchor_start' : 'waves.anchor_end')}</td>
                <td class="num">{item.offsetMonths}</td>
                <td class="num">{item.offsetDays}</td>
                <td class="num">{item.openDays}</td>
                <td>{item.reminderDays.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/waves/plan/settings">
          <CsrfField ctx={ctx} />
          <label>
            <input type="checkbox" name="autoApply" value="on" checked={settings.autoApply} /> {t('waves.auto_apply')}
          </label>
          <button type="submit">{t('waves.save')}</button>
        </form>
        <h2>{t('waves.apply_title')}</h2>
        <form method="post" action="/waves/plan/apply">
          <CsrfField ctx={ctx} />
          <label for="activityId">{t('waves.activity')}</label>
          <select id="activityId" name="activityId" required>
            {activities.map((a) => (
              <option value={a.id}>
                {a.code} · {a.title} ({a.startDate} – {a.endDate})
              </option>
            ))}
          </select>
          <button type="submit">{t('waves.apply')}</button>
        </form>
      </>
    ),
  });
}
