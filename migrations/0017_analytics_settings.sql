CREATE TABLE "analytics_settings" (
	"org_id" uuid NOT NULL,
	"min_cell_size" smallint DEFAULT 5 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "analytics_settings_org_id_pk" PRIMARY KEY("org_id"),
	CONSTRAINT "analytics_settings_min_cell_size_check" CHECK ("analytics_settings"."min_cell_size" between 1 and 1000)
);
--> statement-breakpoint
ALTER TABLE "analytics_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "analytics_settings" ADD CONSTRAINT "analytics_settings_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "org_isolation" ON "analytics_settings" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());