-- Indicator engine (src/analytics/engine-repository.ts): the answers of the questions an indicator
-- reads come from one index range per question key (org_id first, so the row-level-security
-- condition is an index condition evaluated once), and carry what the aggregates need, so the scan
-- is index-only once the table is vacuumed.
CREATE INDEX IF NOT EXISTS "answers_analytics_idx" ON "answers" ("org_id", "question_key") INCLUDE ("response_id", "choice_code", "numeric_value");
