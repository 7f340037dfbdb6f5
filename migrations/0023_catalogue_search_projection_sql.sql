-- The public catalogue's search projection (tables in 0020, see src/catalogue/schema.ts): kept by a
-- trigger on activities, read by the tracer_public role without a row filter.
--
-- 1. The facet values of an activity, as `facet:value` keys. PL/pgSQL functions, whose plans are
--    cached, because the trigger calls them for every row an import writes.
CREATE OR REPLACE FUNCTION tracer_catalogue_facet_keys(a activities) RETURNS text[]
  LANGUAGE plpgsql STABLE
  AS $$
BEGIN
  RETURN array['modality:' || a.modality::text, 'fee_type:' || a.fee_type::text, 'status:' || a.status::text]
      || CASE WHEN a.region IS NULL THEN '{}'::text[] ELSE array['region:' || a.region] END
      || CASE WHEN a.country IS NULL THEN '{}'::text[] ELSE array['country:' || a.country] END
      || CASE WHEN a.start_date IS NULL THEN '{}'::text[] ELSE array['year:' || extract(year FROM a.start_date)::int::text] END
      || array(SELECT 'theme:' || v FROM unnest(a.themes) v)
      || array(SELECT 'language:' || v FROM unnest(a.languages) v)
      || array(SELECT 'target_group:' || v FROM unnest(a.target_groups) v);
END
$$;
--> statement-breakpoint
-- 2. The trigger: after every write of an activity (its search vector is set by the BEFORE trigger),
--    the projection row is replaced and the counts move by the difference between the keys before and
--    after: +1 for each added key, -1 for each removed one (the key `total` counts published activities).
--    The removed keys come from OLD itself, not from the projection row, which a cascade may already
--    have deleted; a decrement only updates existing rows, so the cascade of an organisation's deletion
--    (whatever order it runs in) never inserts one. The rank vector is the title's part of the search
--    vector (weight A), taken without parsing the text again.
CREATE OR REPLACE FUNCTION tracer_catalogue_activity_sync() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  org uuid;
  added text[] := '{}';
  removed text[] := '{}';
BEGIN
  IF TG_OP <> 'INSERT' THEN
    org := OLD.org_id;
    DELETE FROM catalogue_activity_search s WHERE s.org_id = OLD.org_id AND s.activity_id = OLD.id;
    IF OLD.published THEN removed := tracer_catalogue_facet_keys(OLD) || 'total'::text; END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    org := NEW.org_id;
    IF NEW.published THEN
      added := tracer_catalogue_facet_keys(NEW);
      INSERT INTO catalogue_activity_search (org_id, activity_id, title, start_date, last_date, facets, rank_vector, search_vector)
      VALUES (NEW.org_id, NEW.id, NEW.title, NEW.start_date, coalesce(NEW.end_date, NEW.start_date), added,
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
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER activities_catalogue_sync AFTER INSERT OR UPDATE OR DELETE ON activities
  FOR EACH ROW EXECUTE FUNCTION tracer_catalogue_activity_sync();
--> statement-breakpoint
-- 3. Existing published activities.
INSERT INTO catalogue_activity_search (org_id, activity_id, title, start_date, last_date, facets, rank_vector, search_vector)
SELECT a.org_id, a.id, a.title, a.start_date, coalesce(a.end_date, a.start_date), tracer_catalogue_facet_keys(a),
       ts_filter(coalesce(a.search_vector, ''::tsvector), '{a}'), coalesce(a.search_vector, ''::tsvector)
  FROM activities a WHERE a.published;
--> statement-breakpoint
INSERT INTO catalogue_facet_counts (org_id, facet_key, activities)
SELECT s.org_id, k.key, count(*)::int
  FROM catalogue_activity_search s, unnest(s.facets || 'total'::text) AS k(key)
 GROUP BY s.org_id, k.key;
--> statement-breakpoint
-- 4. Public reads: every row of both tables is public by construction, so the policy is `true`
--    (a constant policy also leaves `@@` and `@>` free to use the GIN indexes).
GRANT SELECT ON catalogue_activity_search, catalogue_facet_counts TO tracer_public;
--> statement-breakpoint
CREATE POLICY public_catalogue ON catalogue_activity_search FOR SELECT TO tracer_public USING (true);
--> statement-breakpoint
CREATE POLICY public_catalogue ON catalogue_facet_counts FOR SELECT TO tracer_public USING (true);
--> statement-breakpoint
-- 5. What the public search no longer reads: the owner-rights match function over activities and the
--    partial indexes that served its filters.
DROP FUNCTION IF EXISTS tracer_published_activity_matches(tsquery);
--> statement-breakpoint
DROP INDEX IF EXISTS activities_published_start_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS activities_published_country_idx;
--> statement-breakpoint
-- 6. The first published resources by title, for the public search without words.
CREATE INDEX IF NOT EXISTS resources_published_title_idx ON resources (title, id) WHERE published;
