-- The rollup of the answer-based indicators (tables in 0028, see src/analytics/schema.ts): triggers mark the
-- activities whose unit results may have changed; the engine recomputes them before it reads
-- (engine-repository.ts refreshRollup). Statement-level triggers with transition tables: one
-- `insert … on conflict do nothing` per statement, never per row. A mark carries its transaction's id, so
-- that a reader deletes only marks it can see (their writes are in its snapshot); a mark of a
-- transaction still running is left for the next reader.
-- Under Citus, triggers on distributed tables need `citus.enable_unsafe_triggers` (every row they touch
-- shares the organisation of the row that fired them).
--
-- 1. Responses: only final ones count (a partial response is in no indicator); an update counts
--    the activity before and after.
CREATE OR REPLACE FUNCTION tracer_indicator_dirty_responses() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT DISTINCT n.org_id, n.activity_id, pg_current_xact_id()::text::bigint
      FROM new_rows n WHERE n.activity_id IS NOT NULL AND n.status = 'complete'
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT DISTINCT c.org_id, c.activity_id, pg_current_xact_id()::text::bigint
      FROM (SELECT n.org_id, n.activity_id, n.status FROM new_rows n UNION ALL SELECT o.org_id, o.activity_id, o.status FROM old_rows o) c
     WHERE c.activity_id IS NOT NULL AND c.status = 'complete'
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT DISTINCT o.org_id, o.activity_id, pg_current_xact_id()::text::bigint
      FROM old_rows o WHERE o.activity_id IS NOT NULL AND o.status = 'complete'
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER responses_indicator_dirty_insert AFTER INSERT ON responses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_responses();
--> statement-breakpoint
CREATE TRIGGER responses_indicator_dirty_update AFTER UPDATE ON responses
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_responses();
--> statement-breakpoint
CREATE TRIGGER responses_indicator_dirty_delete AFTER DELETE ON responses
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_responses();
--> statement-breakpoint
-- 2. Answers (rows of final responses only).
CREATE OR REPLACE FUNCTION tracer_indicator_dirty_answers() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT DISTINCT n.org_id, n.activity_id, pg_current_xact_id()::text::bigint FROM new_rows n WHERE n.activity_id IS NOT NULL
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT DISTINCT c.org_id, c.activity_id, pg_current_xact_id()::text::bigint
      FROM (SELECT n.org_id, n.activity_id FROM new_rows n UNION ALL SELECT o.org_id, o.activity_id FROM old_rows o) c
     WHERE c.activity_id IS NOT NULL
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT DISTINCT o.org_id, o.activity_id, pg_current_xact_id()::text::bigint FROM old_rows o WHERE o.activity_id IS NOT NULL
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER answers_indicator_dirty_insert AFTER INSERT ON answers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_answers();
--> statement-breakpoint
CREATE TRIGGER answers_indicator_dirty_update AFTER UPDATE ON answers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_answers();
--> statement-breakpoint
CREATE TRIGGER answers_indicator_dirty_delete AFTER DELETE ON answers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_answers();
--> statement-breakpoint
-- 3. An instrument's purpose (text_non_empty `among`, paired phases, follow-up applications): the
--    activities of its final responses. (Published versions are immutable: no trigger there.)
CREATE OR REPLACE FUNCTION tracer_indicator_dirty_instruments() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id WHERE o.purpose IS DISTINCT FROM n.purpose) THEN
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT DISTINCT r.org_id, r.activity_id, pg_current_xact_id()::text::bigint
      FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
      JOIN responses r ON r.org_id = n.org_id AND r.instrument_id = n.id
     WHERE o.purpose IS DISTINCT FROM n.purpose AND r.activity_id IS NOT NULL AND r.status = 'complete'
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER instruments_indicator_dirty_update AFTER UPDATE ON instruments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_instruments();
--> statement-breakpoint
-- 4. Indicator definitions: a definition added, changed or removed marks every activity of its
--    organisation (the installation of the standard set on each read inserts nothing once done).
CREATE OR REPLACE FUNCTION tracer_indicator_dirty_definitions() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  orgs uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    orgs := array(SELECT DISTINCT n.org_id FROM new_rows n);
  ELSIF TG_OP = 'UPDATE' THEN
    orgs := array(SELECT DISTINCT n.org_id FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.key = n.key
                   WHERE o.definition IS DISTINCT FROM n.definition OR o.key IS DISTINCT FROM n.key);
  ELSE
    orgs := array(SELECT DISTINCT o.org_id FROM old_rows o);
  END IF;
  IF cardinality(orgs) > 0 THEN
    INSERT INTO indicator_dirty (org_id, activity_id, xact)
    SELECT a.org_id, a.id, pg_current_xact_id()::text::bigint FROM activities a WHERE a.org_id = any(orgs)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER indicator_definitions_dirty_insert AFTER INSERT ON indicator_definitions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_definitions();
--> statement-breakpoint
CREATE TRIGGER indicator_definitions_dirty_update AFTER UPDATE ON indicator_definitions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_definitions();
--> statement-breakpoint
CREATE TRIGGER indicator_definitions_dirty_delete AFTER DELETE ON indicator_definitions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tracer_indicator_dirty_definitions();
--> statement-breakpoint
-- 5. Existing data: every activity is out of date until first read.
INSERT INTO indicator_dirty (org_id, activity_id, xact)
SELECT a.org_id, a.id, pg_current_xact_id()::text::bigint FROM activities a
ON CONFLICT DO NOTHING;
