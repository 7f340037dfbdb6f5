// Demo activities read like real labour-migration courses, in the activity's own language, and are
// the same on every load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoActivities } from './demo.ts';

describe('demo catalogue texts', () => {
  const activities = demoActivities();

  it('describes each activity in its language, without placeholder Latin', () => {
    const markers = { en: /\b(the|and|participants?)\b/i, fr: /\b(les|des|et|participants)\b/, es: /\b(las|los|del|y)\b/ };
    for (const activity of activities) {
      const lang = activity.languages![0] as 'en' | 'fr' | 'es';
      assert.match(activity.description!, markers[lang], `${activity.code} (${lang}): ${activity.description}`);
      assert.doesNotMatch(`${activity.description} ${activity.replicationNotes}`, /\b(lorem|ipsum|dolor|amet|consectetur|adipisci)\b/i, activity.code);
      assert.ok(activity.description!.length > 200, activity.code);
    }
    assert.ok(activities.some((a) => a.languages![0] === 'fr') && activities.some((a) => a.languages![0] === 'es'));
    const ethical = activities.find((a) => a.themes!.includes('ethical_recruitment') && a.languages![0] === 'en');
    assert.match(ethical!.description!, /recruitment/i, 'the text is about the theme');
  });

  it('is deterministic', () => {
    assert.deepEqual(demoActivities(), activities);
  });
});
