-- Facet counts by when activities end (table in 0024, see src/catalogue/schema.ts), kept by the
-- catalogue trigger of 0023, which this replaces: besides the counts per key it now moves the counts
-- per key and year (month 0) and per key and month of the activity's last date (end date, or start
-- date when there is none), by the same +1/-1 difference between OLD and NEW. An activity without
-- dates has no period rows.
CREATE OR REPLACE FUNCTION tracer_catalogue_activity_sync() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  org uuid;
  added text[] := '{}';
  removed text[] := '{}';
  added_last date;
  removed_last date;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    org := OLD.org_id;
    DELETE FROM catalogue_activity_search s WHERE s.org_id = OLD.org_id AND s.activity_id = OLD.id;
    IF OLD.published THEN
      removed := tracer_catalogue_facet_keys(OLD) || 'total'::text;
      removed_last := coalesce(OLD.end_date, OLD.start_date);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    org := NEW.org_id;
    IF NEW.published THEN
      added := tracer_catalogue_facet_keys(NEW);
      added_last := coalesce(NEW.end_date, NEW.start_date);
      INSERT INTO catalogue_activity_search (org_id, activity_id, title, start_date, last_date, facets, rank_vector, search_vector)
      VALUES (NEW.org_id, NEW.id, NEW.title, NEW.start_date, added_last, added,
              ts_filter(coalesce(NEW.search_vector, ''::tsvector), '{a}'), coalesce(NEW.search_vector, ''::tsvector));
      added := added || 'total'::text;
    END IF;
  END IF;
  IF added IS DISTINCT FROM removed THEN
    WITH delta AS (
      SELECT key, sum(change)::int AS change
        FROM (SELECT unnest(added) AS key, 1 AS change UNION ALL SELECT unnest(removed), -1) changes
       GROUP BY key HAVING sum(change) <> 0
    ), decremented AS (
      UPDATE catalogue_facet_counts c SET activities = c.activities + d.change
        FROM delta d WHERE c.org_id = org AND c.facet_key = d.key AND d.change < 0
    )
    INSERT INTO catalogue_facet_counts AS c (org_id, facet_key, activities)
    SELECT org, key, change FROM delta WHERE change > 0
    ON CONFLICT (org_id, facet_key) DO UPDATE SET activities = c.activities + excluded.activities;
  END IF;
  IF added IS DISTINCT FROM removed OR added_last IS DISTINCT FROM removed_last THEN
    WITH changes AS (
      SELECT k.key, p.year, p.month, 1 AS change
        FROM unnest(added) k(key),
             (VALUES (extract(year FROM added_last)::int, 0::smallint),
                     (extract(year FROM added_last)::int, extract(month FROM added_last)::smallint)) p(year, month)
       WHERE added_last IS NOT NULL
      UNION ALL
      SELECT k.key, p.year, p.month, -1
        FROM unnest(removed) k(key),
             (VALUES (extract(year FROM removed_last)::int, 0::smallint),
                     (extract(year FROM removed_last)::int, extract(month FROM removed_last)::smallint)) p(year, month)
       WHERE removed_last IS NOT NULL
    ), delta AS (
      SELECT key, year, month, sum(change)::int AS change FROM changes GROUP BY key, year, month HAVING sum(change) <> 0
    ), decremented AS (
      UPDATE catalogue_facet_period_counts c SET activities = c.activities + d.change
        FROM delta d WHERE c.org_id = org AND c.facet_key = d.key AND c.year = d.year AND c.month = d.month AND d.change < 0
    )
    INSERT INTO catalogue_facet_period_counts AS c (org_id, facet_key, year, month, activities)
    SELECT org, key, year, month, change FROM delta WHERE change > 0
    ON CONFLICT (org_id, facet_key, year, month) DO UPDATE SET activities = c.activities + excluded.activities;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Existing published activities.
INSERT INTO catalogue_facet_period_counts (org_id, facet_key, year, month, activities)
SELECT s.org_id, k.key, p.year, p.month, count(*)::int
  FROM catalogue_activity_search s
 CROSS JOIN LATERAL unnest(s.facets || 'total'::text) AS k(key)
 CROSS JOIN LATERAL (VALUES (extract(year FROM s.last_date)::int, 0::smallint),
                            (extract(year FROM s.last_date)::int, extract(month FROM s.last_date)::smallint)) AS p(year, month)
 WHERE s.last_date IS NOT NULL
 GROUP BY s.org_id, k.key, p.year, p.month;
--> statement-breakpoint
-- Public reads, like catalogue_facet_counts: every row is public by construction.
GRANT SELECT ON catalogue_facet_period_counts TO tracer_public;
--> statement-breakpoint
CREATE POLICY public_catalogue ON catalogue_facet_period_counts FOR SELECT TO tracer_public USING (true);
