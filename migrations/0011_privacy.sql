CREATE TABLE "privacy_settings" (
	"org_id" uuid NOT NULL,
	"retention_months" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_settings_org_id_pk" PRIMARY KEY("org_id"),
	CONSTRAINT "privacy_settings_retention_positive" CHECK ("privacy_settings"."retention_months" between 1 and 1200)
);
--> statement-breakpoint
ALTER TABLE "privacy_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "privacy_settings" ADD CONSTRAINT "privacy_settings_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "org_isolation" ON "privacy_settings" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());