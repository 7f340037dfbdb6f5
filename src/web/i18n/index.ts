// Interface strings in English, French and Spanish. Each domain folder keeps its own
// messages/{en,fr,es}.json; they are gathered here. A test checks that every domain's three
// files have exactly the same keys and that no key is defined by two domains.
import accountsEn from '../../accounts/messages/en.json' with { type: 'json' };
import accountsEs from '../../accounts/messages/es.json' with { type: 'json' };
import accountsFr from '../../accounts/messages/fr.json' with { type: 'json' };
import catalogueEn from '../../catalogue/messages/en.json' with { type: 'json' };
import catalogueEs from '../../catalogue/messages/es.json' with { type: 'json' };
import catalogueFr from '../../catalogue/messages/fr.json' with { type: 'json' };
import peopleEn from '../../people/messages/en.json' with { type: 'json' };
import peopleEs from '../../people/messages/es.json' with { type: 'json' };
import peopleFr from '../../people/messages/fr.json' with { type: 'json' };
import analyticsEn from '../../analytics/messages/en.json' with { type: 'json' };
import analyticsEs from '../../analytics/messages/es.json' with { type: 'json' };
import analyticsFr from '../../analytics/messages/fr.json' with { type: 'json' };
import messagingEn from '../../messaging/messages/en.json' with { type: 'json' };
import messagingEs from '../../messaging/messages/es.json' with { type: 'json' };
import messagingFr from '../../messaging/messages/fr.json' with { type: 'json' };
import evaluationsEn from '../../evaluations/messages/en.json' with { type: 'json' };
import evaluationsEs from '../../evaluations/messages/es.json' with { type: 'json' };
import evaluationsFr from '../../evaluations/messages/fr.json' with { type: 'json' };
import instrumentsEn from '../../instruments/messages/en.json' with { type: 'json' };
import instrumentsEs from '../../instruments/messages/es.json' with { type: 'json' };
import instrumentsFr from '../../instruments/messages/fr.json' with { type: 'json' };
import responsesEn from '../../responses/messages/en.json' with { type: 'json' };
import responsesEs from '../../responses/messages/es.json' with { type: 'json' };
import responsesFr from '../../responses/messages/fr.json' with { type: 'json' };
import evidenceEn from '../../evidence/messages/en.json' with { type: 'json' };
import evidenceEs from '../../evidence/messages/es.json' with { type: 'json' };
import evidenceFr from '../../evidence/messages/fr.json' with { type: 'json' };
import importsEn from '../../imports/messages/en.json' with { type: 'json' };
import importsEs from '../../imports/messages/es.json' with { type: 'json' };
import importsFr from '../../imports/messages/fr.json' with { type: 'json' };
import wavesEn from '../../waves/messages/en.json' with { type: 'json' };
import wavesEs from '../../waves/messages/es.json' with { type: 'json' };
import wavesFr from '../../waves/messages/fr.json' with { type: 'json' };
import dashboardEn from '../../dashboard/messages/en.json' with { type: 'json' };
import dashboardEs from '../../dashboard/messages/es.json' with { type: 'json' };
import dashboardFr from '../../dashboard/messages/fr.json' with { type: 'json' };
import reportEn from '../../report/messages/en.json' with { type: 'json' };
import reportEs from '../../report/messages/es.json' with { type: 'json' };
import reportFr from '../../report/messages/fr.json' with { type: 'json' };

/** Every domain's message files, by domain name. Add a line per domain. */
export const domainMessages = {
  accounts: { en: accountsEn, fr: accountsFr, es: accountsEs },
  catalogue: { en: catalogueEn, fr: catalogueFr, es: catalogueEs },
  people: { en: peopleEn, fr: peopleFr, es: peopleEs },
  analytics: { en: analyticsEn, fr: analyticsFr, es: analyticsEs },
  messaging: { en: messagingEn, fr: messagingFr, es: messagingEs },
  evaluations: { en: evaluationsEn, fr: evaluationsFr, es: evaluationsEs },
  instruments: { en: instrumentsEn, fr: instrumentsFr, es: instrumentsEs },
  responses: { en: responsesEn, fr: responsesFr, es: responsesEs },
  evidence: { en: evidenceEn, fr: evidenceFr, es: evidenceEs },
  imports: { en: importsEn, fr: importsFr, es: importsEs },
  waves: { en: wavesEn, fr: wavesFr, es: wavesEs },
  dashboard: { en: dashboardEn, fr: dashboardFr, es: dashboardEs },
  report: { en: reportEn, fr: reportFr, es: reportEs },
};

export const languages = ['en', 'fr', 'es'] as const;
export type Lang = (typeof languages)[number];

type DomainKeys = { [D in keyof typeof domainMessages]: keyof (typeof domainMessages)[D]['en'] }[keyof typeof domainMessages];
export type MessageKey = DomainKeys & string;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export const languageNames: Record<Lang, string> = { en: 'English', fr: 'Français', es: 'Español' };

function gather(lang: Lang): Record<string, string> {
  return Object.assign({}, ...Object.values(domainMessages).map((domain) => domain[lang]));
}

const catalogues: Record<Lang, Record<string, string>> = { en: gather('en'), fr: gather('fr'), es: gather('es') };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

export function translator(lang: Lang): Translate {
  const messages = catalogues[lang];
  const fallback = catalogues.en;
  return (key, vars) => {
    const template = messages[key] ?? fallback[key] ?? key;
    return vars === undefined ? template : template.replace(/\{(\w+)\}/g, (match, name: string) => String(vars[name] ?? match));
  };
}

/** Picks the best of our languages from an Accept-Language header. */
export function negotiateLanguage(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((entry) => entry.base).find(isLang) ?? 'en';
}
