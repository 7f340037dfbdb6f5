// Demo step: the standard indicators with plausible baselines (the value before 2021, stated with
// every period so each year's report shows it) and targets (2021–2023, the 2022-2023 biennium and the 2021-2023 triennium) for the demo training centre, set near what the demo responses yield
// (`tracer kpi` on the demo: e.g. relevance 0.82/0.82/0.86, competence improvement 0.28/0.29/0.32,
// cost per completion ≈ 860).
import type { DemoContext } from '../demo/load.ts';
import { installStandardIndicators, setTarget } from './service.ts';

/** [indicator, baseline 2021, targets 2021, 2022, 2023]: shares as 0–1, scores in points, costs in USD. */
const plan: Array<[string, number, number, number, number]> = [
  ['relevance', 0.86, 0.85, 0.87, 0.9],
  ['theory_to_practice', 0.78, 0.78, 0.8, 0.82],
  ['can_apply', 0.8, 0.8, 0.82, 0.85],
  ['application_examples', 0.52, 0.5, 0.55, 0.6],
  ['needs_met', 0.86, 0.87, 0.88, 0.9],
  ['knowledge_application', 0.8, 0.8, 0.82, 0.85],
  ['competence_improvement', 0.27, 0.28, 0.31, 0.35],
  ['performance_improvement', 0.24, 0.25, 0.27, 0.3],
  ['tangible_change', 0.42, 0.4, 0.45, 0.5],
  ['knowledge_gain', 1.8, 1.8, 2, 2.2],
  ['knowledge_gain_normalised', 0.42, 0.43, 0.44, 0.46],
  ['knowledge_acquisition', 0.77, 0.78, 0.8, 0.82],
  ['response_rate', 0.58, 0.6, 0.65, 0.7],
  ['women_share', 0.41, 0.45, 0.47, 0.5],
  ['ldc_share', 0.27, 0.3, 0.32, 0.35],
  ['social_partner_share', 0.22, 0.25, 0.27, 0.3],
  ['cost_per_completion', 900, 880, 860, 840],
  ['cost_per_application', 2900, 2800, 2700, 2600],
];

export async function analyticsDemoStep({ database, orgId }: DemoContext): Promise<string> {
  return database.withOrg(orgId, async (tx) => {
    await installStandardIndicators(tx);
    for (const [key, baseline, ...targets] of plan) {
      for (const [index, target] of targets.entries()) {
        await setTarget(tx, undefined, key, String(2021 + index), { baseline, target });
      }
      await setTarget(tx, undefined, key, '2022-2023', { baseline, target: targets[2]! });
      await setTarget(tx, undefined, key, '2021-2023', { baseline, target: targets[2]! });
    }
    return `Indicators: the standard set of ${plan.length} with baselines and targets for 2021–2023.`;
  });
}
