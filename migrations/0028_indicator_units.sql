CREATE TABLE "indicator_dirty" (
	"org_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"xact" bigint NOT NULL,
	CONSTRAINT "indicator_dirty_org_id_activity_id_xact_pk" PRIMARY KEY("org_id","activity_id","xact")
);
--> statement-breakpoint
ALTER TABLE "indicator_dirty" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "indicator_units" (
	"org_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"participant_id" uuid,
	"layout" uuid NOT NULL,
	"numerator" double precision[] NOT NULL,
	"valid" integer[] NOT NULL,
	"missing" integer[] NOT NULL,
	"squares" double precision[] NOT NULL,
	"d" numeric[] NOT NULL,
	CONSTRAINT "indicator_units_org_id_activity_id_unit_id_pk" PRIMARY KEY("org_id","activity_id","unit_id")
);
--> statement-breakpoint
ALTER TABLE "indicator_units" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "indicator_dirty" ADD CONSTRAINT "indicator_dirty_org_id_activity_id_activities_org_id_id_fk" FOREIGN KEY ("org_id","activity_id") REFERENCES "public"."activities"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_units" ADD CONSTRAINT "indicator_units_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "org_isolation" ON "indicator_dirty" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = (select tracer_current_org())) WITH CHECK (org_id = (select tracer_current_org()));--> statement-breakpoint
CREATE POLICY "org_isolation" ON "indicator_units" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = (select tracer_current_org())) WITH CHECK (org_id = (select tracer_current_org()));