-- Platform prerequisites, shared by PGlite and PostgreSQL.
-- The tenant role is cluster-wide, so it is created only when absent; the user running
-- migrations must be allowed to create roles (or a DBA creates tracer_app beforehand).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracer_app') THEN
    CREATE ROLE tracer_app NOLOGIN;
  END IF;
  EXECUTE format('GRANT tracer_app TO %I', current_user);
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO tracer_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tracer_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO tracer_app;
--> statement-breakpoint
-- The organisation of the current transaction, set by withOrg() with set_config(..., true).
-- NULL when unset, so row-level policies then match nothing.
CREATE OR REPLACE FUNCTION tracer_current_org() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('tracer.org_id', true), '')::uuid $$;
