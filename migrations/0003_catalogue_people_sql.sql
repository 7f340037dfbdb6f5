-- Catalogue and people: what drizzle-kit cannot express.
-- 1. Accent-insensitive, stemmed full-text search in English, French and Spanish.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
DO $$
DECLARE
  pair text[];
BEGIN
  FOREACH pair SLICE 1 IN ARRAY ARRAY[['tracer_en', 'english'], ['tracer_fr', 'french'], ['tracer_es', 'spanish']] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = pair[1]) THEN
      EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = pg_catalog.%I)', pair[1], pair[2]);
      EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR hword, hword_part, word WITH unaccent, %I', pair[1], pair[2] || '_stem');
    END IF;
  END LOOP;
END
$$;
--> statement-breakpoint
-- A text stemmed in all three languages, so that a query in any of them finds it.
CREATE OR REPLACE FUNCTION tracer_search_vector(body text) RETURNS tsvector
  LANGUAGE sql STABLE
  AS $$ SELECT to_tsvector('tracer_en', coalesce(body, '')) || to_tsvector('tracer_fr', coalesce(body, '')) || to_tsvector('tracer_es', coalesce(body, '')) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tracer_search_query(query text) RETURNS tsquery
  LANGUAGE sql STABLE
  AS $$ SELECT websearch_to_tsquery('tracer_en', query) || websearch_to_tsquery('tracer_fr', query) || websearch_to_tsquery('tracer_es', query) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tracer_theme_labels(org uuid, codes text[]) RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(string_agg(label_en || ' ' || label_fr || ' ' || label_es, ' '), '') FROM themes WHERE org_id = org AND code = ANY(codes) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tracer_activities_search() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.search_vector :=
    setweight(tracer_search_vector(NEW.title), 'A') ||
    setweight(tracer_search_vector(NEW.code || ' ' || tracer_theme_labels(NEW.org_id, NEW.themes)), 'B') ||
    setweight(tracer_search_vector(concat_ws(' ', NEW.description, NEW.programme, NEW.city, array_to_string(NEW.target_groups, ' '))), 'C');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER activities_search BEFORE INSERT OR UPDATE ON activities FOR EACH ROW EXECUTE FUNCTION tracer_activities_search();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tracer_resources_search() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.search_vector :=
    setweight(tracer_search_vector(NEW.title), 'A') ||
    setweight(tracer_search_vector(tracer_theme_labels(NEW.org_id, NEW.themes)), 'B') ||
    setweight(tracer_search_vector(NEW.description), 'C');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER resources_search BEFORE INSERT OR UPDATE ON resources FOR EACH ROW EXECUTE FUNCTION tracer_resources_search();
--> statement-breakpoint
-- 2. Personal data: readable and writable only when the people service has declared, for this
--    transaction, that the actor's role may handle it.
CREATE POLICY personal_data_permitted ON participant_personal_data AS RESTRICTIVE FOR ALL TO tracer_app
  USING (current_setting('tracer.personal_data', true) = 'allowed')
  WITH CHECK (current_setting('tracer.personal_data', true) = 'allowed');
--> statement-breakpoint
-- 3. The anonymous public catalogue: the tracer_public role sees published activities and
--    resources of every organisation, never their private columns, and nothing else.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracer_public') THEN
    CREATE ROLE tracer_public NOLOGIN;
  END IF;
  EXECUTE format('GRANT tracer_public TO %I', current_user);
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO tracer_public;
--> statement-breakpoint
GRANT SELECT (org_id, id, code, title, description, themes, modality, languages, start_date, end_date, country, city, region,
              sub_region, fee_type, is_open, target_groups, programme, markers, status, published, search_vector)
  ON activities TO tracer_public;
--> statement-breakpoint
GRANT SELECT (org_id, id, title, description, type, languages, licence, url, themes, open_access, published, search_vector)
  ON resources TO tracer_public;
--> statement-breakpoint
GRANT SELECT ON themes TO tracer_public;
--> statement-breakpoint
GRANT SELECT (id, slug, name) ON organisations TO tracer_public;
--> statement-breakpoint
CREATE POLICY public_catalogue ON activities FOR SELECT TO tracer_public USING (published);
--> statement-breakpoint
CREATE POLICY public_catalogue ON resources FOR SELECT TO tracer_public USING (published);
--> statement-breakpoint
CREATE POLICY public_catalogue ON themes FOR SELECT TO tracer_public USING (true);
--> statement-breakpoint
CREATE POLICY public_catalogue ON organisations FOR SELECT TO tracer_public
  USING (EXISTS (SELECT 1 FROM activities a WHERE a.org_id = organisations.id)
      OR EXISTS (SELECT 1 FROM resources r WHERE r.org_id = organisations.id));
