CREATE TYPE "public"."evaluation_vocabulary_list" AS ENUM('criterion', 'level', 'addressee');--> statement-breakpoint
CREATE TABLE "evaluation_scope_activities" (
	"org_id" uuid NOT NULL,
	"evaluation_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	CONSTRAINT "evaluation_scope_activities_org_id_evaluation_id_activity_id_pk" PRIMARY KEY("org_id","evaluation_id","activity_id")
);
--> statement-breakpoint
ALTER TABLE "evaluation_scope_activities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "evaluation_vocabulary" (
	"org_id" uuid NOT NULL,
	"list" "evaluation_vocabulary_list" NOT NULL,
	"value" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "evaluation_vocabulary_org_id_list_value_pk" PRIMARY KEY("org_id","list","value"),
	CONSTRAINT "evaluation_vocabulary_value" CHECK ("evaluation_vocabulary"."value" <> '')
);
--> statement-breakpoint
ALTER TABLE "evaluation_vocabulary" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "evaluation_scope_activities" ADD CONSTRAINT "evaluation_scope_activities_org_id_evaluation_id_evaluations_org_id_id_fk" FOREIGN KEY ("org_id","evaluation_id") REFERENCES "public"."evaluations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_scope_activities" ADD CONSTRAINT "evaluation_scope_activities_org_id_activity_id_activities_org_id_id_fk" FOREIGN KEY ("org_id","activity_id") REFERENCES "public"."activities"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evaluation_scope_activities_activity_idx" ON "evaluation_scope_activities" USING btree ("org_id","activity_id");--> statement-breakpoint
-- Existing scopes move to the join table (ids the catalogue does not know are dropped: they never had a foreign key).
INSERT INTO "evaluation_scope_activities" ("org_id", "evaluation_id", "activity_id")
SELECT DISTINCT e."org_id", e."id", a."id"
  FROM "evaluations" e
  CROSS JOIN LATERAL unnest(e."scope_activity_ids") AS s("activity_id")
  JOIN "activities" a ON a."org_id" = e."org_id" AND a."id" = s."activity_id";--> statement-breakpoint
ALTER TABLE "evaluations" DROP COLUMN "scope_activity_ids";--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evaluation_scope_activities" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evaluation_vocabulary" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());