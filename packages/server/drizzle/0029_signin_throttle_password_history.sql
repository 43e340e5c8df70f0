CREATE TABLE "login_sources" (
	"ip" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "password_history" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "last_login_at" timestamp with time zone;--> statement-breakpoint
-- 三员分立: no account holds two of system_admin, security_admin and audit_admin, whatever writes the
-- row (a route, an import, a seed, SQL by hand). The account row is locked first, so two grants of
-- different administrator roles to one account at the same moment cannot both pass the check.
CREATE OR REPLACE FUNCTION role_assignments_separation_of_duties() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.role IN ('system_admin', 'security_admin', 'audit_admin') THEN
    PERFORM 1 FROM accounts WHERE id = NEW.account_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM role_assignments r WHERE r.account_id = NEW.account_id AND r.id <> NEW.id
        AND r.role IN ('system_admin', 'security_admin', 'audit_admin') AND r.role <> NEW.role) THEN
      RAISE EXCEPTION 'separation of duties: account % already holds another administrator role (%)', NEW.account_id, NEW.role
        USING ERRCODE = 'check_violation', CONSTRAINT = 'role_assignments_separation_of_duties';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER role_assignments_separation_of_duties BEFORE INSERT OR UPDATE ON role_assignments
  FOR EACH ROW EXECUTE FUNCTION role_assignments_separation_of_duties();
