CREATE TABLE "catalogue_activity_search" (
	"org_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"title" text NOT NULL,
	"start_date" date,
	"last_date" date,
	"facets" text[] NOT NULL,
	"rank_vector" "tsvector" NOT NULL,
	"search_vector" "tsvector" NOT NULL,
	CONSTRAINT "catalogue_activity_search_org_id_activity_id_pk" PRIMARY KEY("org_id","activity_id")
);
--> statement-breakpoint
ALTER TABLE "catalogue_activity_search" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalogue_facet_counts" (
	"org_id" uuid NOT NULL,
	"facet_key" text NOT NULL,
	"activities" integer NOT NULL,
	CONSTRAINT "catalogue_facet_counts_org_id_facet_key_pk" PRIMARY KEY("org_id","facet_key")
);
--> statement-breakpoint
ALTER TABLE "catalogue_facet_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalogue_activity_search" ADD CONSTRAINT "catalogue_activity_search_org_id_activity_id_activities_org_id_id_fk" FOREIGN KEY ("org_id","activity_id") REFERENCES "public"."activities"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalogue_facet_counts" ADD CONSTRAINT "catalogue_facet_counts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalogue_activity_search_text_idx" ON "catalogue_activity_search" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "catalogue_activity_search_facets_idx" ON "catalogue_activity_search" USING gin ("facets");--> statement-breakpoint
CREATE INDEX "catalogue_activity_search_start_idx" ON "catalogue_activity_search" USING btree ("start_date" DESC NULLS LAST,"activity_id");--> statement-breakpoint
CREATE INDEX "catalogue_activity_search_title_idx" ON "catalogue_activity_search" USING btree ("title","activity_id");--> statement-breakpoint
CREATE INDEX "catalogue_activity_search_last_idx" ON "catalogue_activity_search" USING btree ("last_date");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "catalogue_activity_search" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = (select tracer_current_org())) WITH CHECK (org_id = (select tracer_current_org()));--> statement-breakpoint
CREATE POLICY "org_isolation" ON "catalogue_facet_counts" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = (select tracer_current_org())) WITH CHECK (org_id = (select tracer_current_org()));