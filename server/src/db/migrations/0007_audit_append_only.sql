-- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE reaches audit_events, from the
-- application or from anyone with its database role, unless the transaction has declared an
-- erasure (DELETE /api/me sets attune.erasure for itself with set_config(..., true)). Foreign-key
-- actions (a deleted account's rows, an actor set to null) run through these triggers too, so
-- they need the same declaration.
CREATE OR REPLACE FUNCTION attune_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('attune.erasure', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only_rows
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION attune_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION attune_audit_append_only();
