CREATE TABLE "indicator_definitions" (
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"names" jsonb NOT NULL,
	"descriptions" jsonb NOT NULL,
	"level" smallint NOT NULL,
	"criterion" text NOT NULL,
	"direction" text NOT NULL,
	"unit" text NOT NULL,
	"period_basis" text DEFAULT 'activity_end' NOT NULL,
	"definition" jsonb NOT NULL,
	"standard" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_definitions_org_id_key_pk" PRIMARY KEY("org_id","key"),
	CONSTRAINT "indicator_definitions_level_check" CHECK ("indicator_definitions"."level" between 1 and 4),
	CONSTRAINT "indicator_definitions_key_check" CHECK ("indicator_definitions"."key" ~ '^[a-z][a-z0-9_]{1,62}$')
);
--> statement-breakpoint
ALTER TABLE "indicator_definitions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "indicator_targets" (
	"org_id" uuid NOT NULL,
	"indicator_key" text NOT NULL,
	"period_from" smallint NOT NULL,
	"period_to" smallint NOT NULL,
	"baseline" double precision,
	"target" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "indicator_targets_org_id_indicator_key_period_from_period_to_pk" PRIMARY KEY("org_id","indicator_key","period_from","period_to"),
	CONSTRAINT "indicator_targets_period_check" CHECK ("indicator_targets"."period_from" <= "indicator_targets"."period_to"),
	CONSTRAINT "indicator_targets_values_check" CHECK ("indicator_targets"."baseline" is not null or "indicator_targets"."target" is not null)
);
--> statement-breakpoint
ALTER TABLE "indicator_targets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "indicator_definitions" ADD CONSTRAINT "indicator_definitions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_targets" ADD CONSTRAINT "indicator_targets_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_targets" ADD CONSTRAINT "indicator_targets_org_id_indicator_key_indicator_definitions_org_id_key_fk" FOREIGN KEY ("org_id","indicator_key") REFERENCES "public"."indicator_definitions"("org_id","key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "org_isolation" ON "indicator_definitions" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "indicator_targets" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());