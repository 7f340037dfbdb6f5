import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { domainMessages, negotiateLanguage, translator } from './index.ts';

describe('interface translations', () => {
  it('every domain has the same keys in English, French and Spanish, and no key is defined twice', () => {
    const owner = new Map<string, string>();
    for (const [domain, files] of Object.entries(domainMessages)) {
      const english = Object.keys(files.en).sort();
      assert.deepEqual(Object.keys(files.fr).sort(), english, `${domain}: French keys differ from English`);
      assert.deepEqual(Object.keys(files.es).sort(), english, `${domain}: Spanish keys differ from English`);
      for (const key of english) {
        assert.equal(owner.get(key), undefined, `${key} is defined by both ${owner.get(key)} and ${domain}`);
        owner.set(key, domain);
        for (const lang of ['fr', 'es'] as const) {
          const text = (files[lang] as Record<string, string>)[key]!;
          assert.notEqual(text.trim(), '', `${domain}/${lang}: ${key} is empty`);
          const placeholders = (t: string) => (t.match(/\{\w+\}/g) ?? []).sort();
          assert.deepEqual(placeholders(text), placeholders((files.en as Record<string, string>)[key]!), `${lang}: ${key} placeholders`);
        }
      }
    }
  });

  it('fills placeholders and picks a language from Accept-Language', () => {
    assert.equal(translator('fr')('home.welcome', { name: 'Awa' }), 'Bienvenue, Awa.');
    assert.equal(negotiateLanguage('de-DE,de;q=0.9,es;q=0.8,en;q=0.5'), 'es');
    assert.equal(negotiateLanguage('pt-BR'), 'en');
    assert.equal(negotiateLanguage(undefined), 'en');
  });
});
