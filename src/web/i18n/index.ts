// Interface strings in English, French and Spanish. Each domain adds its keys to the three
// JSON files; a test checks that the three files have exactly the same keys.
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };

export const languages = ['en', 'fr', 'es'] as const;
export type Lang = (typeof languages)[number];
export type MessageKey = keyof typeof en;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export const languageNames: Record<Lang, string> = { en: 'English', fr: 'Français', es: 'Español' };

const catalogues: Record<Lang, Record<string, string>> = { en, fr, es };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

export function translator(lang: Lang): Translate {
  const messages = catalogues[lang];
  return (key, vars) => {
    const template = messages[key] ?? en[key];
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

export function messageCatalogues(): Record<Lang, Record<string, string>> {
  return catalogues;
}
