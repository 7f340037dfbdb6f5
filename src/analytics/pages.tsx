import { CsrfField, renderPage, type PageContext } from '../web/page.tsx';
import type { Indicator, Target } from './service.ts';

export interface TargetFormFailure {
  key: string;
  message: string;
  form: { period: string; baseline?: string; target?: string };
}

export function indicatorsPage(ctx: PageContext, indicators: Indicator[], failure?: TargetFormFailure): string {
  const { t } = ctx;
  const canEdit = ctx.actor?.role === 'administrator';
  return renderPage({
    ctx,
    title: t('indicators.title'),
    children: (
      <>
        <h1>{t('indicators.title')}</h1>
        <p>{t('indicators.intro')}</p>
        {canEdit && <p class="muted">{t('indicators.form_hint')}</p>}
        <table>
          <thead>
            <tr>
              <th scope="col">{t('indicators.name')}</th>
              <th scope="col">{t('indicators.level')}</th>
              <th scope="col">{t('indicators.criterion')}</th>
              <th scope="col">{t('indicators.targets')}</th>
              {canEdit && <th scope="col">{t('indicators.set_target')}</th>}
            </tr>
          </thead>
          <tbody>
            {indicators.map((indicator) => (
              <tr id={`indicator-${indicator.key}`}>
                <td>
                  <strong>{indicator.names[ctx.lang]}</strong>
                  <br />
                  <code>{indicator.key}</code> <span class="muted">{indicator.descriptions[ctx.lang]}</span>
                </td>
                <td class="num">{indicator.level}</td>
                <td>{t(`indicators.criterion.${indicator.criterion}`)}</td>
                <td>
                  <TargetList ctx={ctx} indicator={indicator} />
                </td>
                {canEdit && (
                  <td>
                    <TargetForm ctx={ctx} indicator={indicator} failure={failure?.key === indicator.key ? failure : undefined} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ),
  });
}

function TargetList({ ctx, indicator }: { ctx: PageContext; indicator: Indicator }) {
  if (indicator.targets.length === 0) return <span class="muted">{ctx.t('indicators.no_targets')}</span>;
  return (
    <ul>
      {indicator.targets.map((target) => (
        <li>{describeTarget(ctx, indicator, target)}</li>
      ))}
    </ul>
  );
}

function describeTarget(ctx: PageContext, indicator: Indicator, target: Target): string {
  const show = (value: number | null) => (value === null ? '—' : formatValue(value, indicator.unit, ctx.lang));
  return ctx.t('indicators.target_line', { period: target.period, baseline: show(target.baseline), target: show(target.target) });
}

export function formatValue(value: number, unit: Indicator['unit'], lang: string): string {
  if (unit === 'share') return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(value);
}

function TargetForm({ ctx, indicator, failure }: { ctx: PageContext; indicator: Indicator; failure: TargetFormFailure | undefined }) {
  const { t } = ctx;
  const id = (field: string) => `${field}-${indicator.key}`;
  const errorId = `error-${indicator.key}`;
  return (
    <form
      method="post"
      action={`/indicators/${indicator.key}/targets`}
      aria-label={t('indicators.form_label', { name: indicator.names[ctx.lang] })}
      aria-describedby={failure ? errorId : undefined}
    >
      <CsrfField ctx={ctx} />
      {failure && (
        <p class="error" role="alert" id={errorId}>
          {failure.message}
        </p>
      )}
      <label for={id('period')}>{t('indicators.period')}</label>
      <input id={id('period')} name="period" required pattern="\d{4}(-\d{4})?" placeholder="2023" value={failure?.form.period ?? ''} />
      <label for={id('baseline')}>{t('indicators.baseline')}</label>
      <input id={id('baseline')} name="baseline" inputMode="decimal" value={failure?.form.baseline ?? ''} />
      <label for={id('target')}>{t('indicators.target')}</label>
      <input id={id('target')} name="target" inputMode="decimal" value={failure?.form.target ?? ''} />
      <p>
        <button type="submit" class="secondary">
          {t('indicators.save')}
        </button>
      </p>
    </form>
  );
}
