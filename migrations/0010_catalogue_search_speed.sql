-- Catalogue search speed.
-- Row-level security keeps a non-leakproof qual such as `search_vector @@ query` from being used as an
-- index condition (it may not run before the policy's `published` check), so the public role scanned
-- every activity. These functions run as the table owner and use the GIN indexes; they return published
-- rows only, and of an activity only the public columns the search filters, sorts and counts on, with
-- its rank (the page itself is then read under the caller's own policies and column grants).
CREATE OR REPLACE FUNCTION tracer_published_activity_matches(query tsquery)
  RETURNS TABLE (org_id uuid, id uuid, title text, start_date date, end_date date, themes text[], modality activity_modality,
                 languages text[], region text, country text, fee_type activity_fee_type, status activity_status,
                 target_groups text[], rank real)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp ROWS 5000
  AS $$ SELECT a.org_id, a.id, a.title, a.start_date, a.end_date, a.themes, a.modality, a.languages, a.region, a.country,
               a.fee_type, a.status, a.target_groups, ts_rank(a.search_vector, query)
          FROM activities a WHERE a.published AND a.search_vector @@ query $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tracer_published_resource_matches(query tsquery)
  RETURNS TABLE (org_id uuid, id uuid, title text, themes text[], languages text[], rank real)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp ROWS 5000
  AS $$ SELECT r.org_id, r.id, r.title, r.themes, r.languages, ts_rank(r.search_vector, query)
          FROM resources r WHERE r.published AND r.search_vector @@ query $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tracer_published_activity_matches(tsquery), tracer_published_resource_matches(tsquery) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tracer_published_activity_matches(tsquery), tracer_published_resource_matches(tsquery) TO tracer_public;
--> statement-breakpoint
-- An organisation is public when it publishes something. The former policy's EXISTS subqueries were
-- planned as sequential scans (cheap to the first row on paper, a full scan for an organisation whose
-- rows come last) and ran for every organisation on every search; these probes use the partial indexes.
CREATE INDEX IF NOT EXISTS activities_published_org_idx ON activities (org_id) WHERE published;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS resources_published_org_idx ON resources (org_id) WHERE published;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tracer_organisation_publishes(org uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET enable_seqscan = off
  AS $$ SELECT EXISTS (SELECT 1 FROM activities a WHERE a.org_id = org AND a.published)
            OR EXISTS (SELECT 1 FROM resources r WHERE r.org_id = org AND r.published) $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tracer_organisation_publishes(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tracer_organisation_publishes(uuid) TO tracer_public;
--> statement-breakpoint
DROP POLICY public_catalogue ON organisations;
--> statement-breakpoint
CREATE POLICY public_catalogue ON organisations FOR SELECT TO tracer_public USING (tracer_organisation_publishes(id));
--> statement-breakpoint
-- Filters by date (year, upcoming/past) and by country over published activities. Their comparisons are
-- leakproof, so unlike `@>` on arrays they can use an index under row-level security.
CREATE INDEX IF NOT EXISTS activities_published_start_idx ON activities (start_date) WHERE published;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS activities_published_country_idx ON activities (country, start_date) WHERE published;
