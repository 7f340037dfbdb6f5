CREATE TABLE "catalogue_facet_period_counts" (
	"org_id" uuid NOT NULL,
	"facet_key" text NOT NULL,
	"year" integer NOT NULL,
	"month" smallint NOT NULL,
	"activities" integer NOT NULL,
	CONSTRAINT "catalogue_facet_period_counts_org_id_facet_key_year_month_pk" PRIMARY KEY("org_id","facet_key","year","month")
);
--> statement-breakpoint
ALTER TABLE "catalogue_facet_period_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "catalogue_facet_period_counts" ADD CONSTRAINT "catalogue_facet_period_counts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalogue_facet_period_counts_years_idx" ON "catalogue_facet_period_counts" USING btree ("month","year");--> statement-breakpoint
CREATE INDEX "catalogue_facet_period_counts_months_idx" ON "catalogue_facet_period_counts" USING btree ("year","month");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "catalogue_facet_period_counts" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = (select tracer_current_org())) WITH CHECK (org_id = (select tracer_current_org()));