-- Published versions are immutable: every response points at the exact questions it answered.
CREATE FUNCTION tracer_instrument_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.definition IS DISTINCT FROM OLD.definition OR NEW.version IS DISTINCT FROM OLD.version THEN
    RAISE EXCEPTION 'instrument version % is published and cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER instrument_versions_immutable BEFORE UPDATE ON instrument_versions
  FOR EACH ROW EXECUTE FUNCTION tracer_instrument_version_immutable();
--> statement-breakpoint
ALTER TABLE responses ADD CONSTRAINT responses_status_check CHECK (status IN ('partial', 'complete'));
--> statement-breakpoint
ALTER TABLE responses ADD CONSTRAINT responses_source_check CHECK (source IN ('web', 'import'));
--> statement-breakpoint
ALTER TABLE responses ADD CONSTRAINT responses_complete_check CHECK ((status = 'complete') = (submitted_at IS NOT NULL));
--> statement-breakpoint
ALTER TABLE instruments ADD CONSTRAINT instruments_purpose_check
  CHECK (purpose IN ('needs_assessment', 'pre_test', 'post_test', 'end_of_activity', 'follow_up', 'other'));
