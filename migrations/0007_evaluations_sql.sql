-- Evaluations: extensions, accent-insensitive stemming text search configurations, and the
-- anonymous `tracer_public` role that reads published lessons only. Everything is idempotent
-- because other domains (the catalogue) may create the same shared pieces.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
DO $$
DECLARE
  spec record;
BEGIN
  FOR spec IN SELECT * FROM (VALUES ('tracer_en', 'english', 'english_stem'),
                                    ('tracer_fr', 'french', 'french_stem'),
                                    ('tracer_es', 'spanish', 'spanish_stem')) AS s(name, parser_copy, stemmer)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = spec.name) THEN
      EXECUTE format('CREATE TEXT SEARCH CONFIGURATION public.%I (COPY = pg_catalog.%I)', spec.name, spec.parser_copy);
      EXECUTE format('ALTER TEXT SEARCH CONFIGURATION public.%I ALTER MAPPING FOR hword, hword_part, word WITH unaccent, %I',
                     spec.name, spec.stemmer);
    END IF;
  END LOOP;
END
$$;
--> statement-breakpoint
-- The role anonymous (public catalogue) transactions switch to; see src/db/public-access.ts.
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
-- Column-level: the public sees what a published lesson says, never who wrote it or private links.
GRANT SELECT (org_id, id, kind, language, title, text, context, replication_conditions, themes, countries, published, published_at)
  ON evaluation_lessons TO tracer_public;
--> statement-breakpoint
CREATE POLICY public_published_lessons ON evaluation_lessons AS PERMISSIVE FOR SELECT TO tracer_public USING (published);
--> statement-breakpoint
GRANT SELECT (id, name) ON organisations TO tracer_public;
--> statement-breakpoint
CREATE POLICY public_publishing_organisations ON organisations AS PERMISSIVE FOR SELECT TO tracer_public
  USING (EXISTS (SELECT 1 FROM evaluation_lessons l WHERE l.org_id = organisations.id AND l.published));
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tracer_lesson_search_config(language lesson_language) RETURNS regconfig
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE language WHEN 'fr' THEN 'public.tracer_fr'::regconfig WHEN 'es' THEN 'public.tracer_es'::regconfig
                             ELSE 'public.tracer_en'::regconfig END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tracer_lesson_search_config(lesson_language) TO tracer_public;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS evaluation_lessons_search_idx ON evaluation_lessons USING gin (
  to_tsvector(tracer_lesson_search_config(language), title || ' ' || text || ' ' || context || ' ' || replication_conditions));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS recommendations_text_trgm_idx ON recommendations USING gin (text gin_trgm_ops);
