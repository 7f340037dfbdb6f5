CREATE TABLE "evidence_codes" (
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"label_en" text NOT NULL,
	"label_fr" text NOT NULL,
	"label_es" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_codes_org_id_code_pk" PRIMARY KEY("org_id","code")
);
--> statement-breakpoint
ALTER TABLE "evidence_codes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "evidence_codings" (
	"org_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"code" text NOT NULL,
	"coded_by" uuid,
	"coded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_codings_org_id_response_id_position_code_pk" PRIMARY KEY("org_id","response_id","position","code")
);
--> statement-breakpoint
ALTER TABLE "evidence_codings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "evidence_quotes" (
	"org_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"selected_by" uuid,
	"selected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_quotes_org_id_response_id_position_pk" PRIMARY KEY("org_id","response_id","position")
);
--> statement-breakpoint
ALTER TABLE "evidence_quotes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "trainer_links" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"linked_by" uuid,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trainer_links_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "trainer_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "evidence_codings" ADD CONSTRAINT "evidence_codings_org_id_response_id_position_answers_org_id_response_id_position_fk" FOREIGN KEY ("org_id","response_id","position") REFERENCES "public"."answers"("org_id","response_id","position") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_quotes" ADD CONSTRAINT "evidence_quotes_org_id_response_id_position_answers_org_id_response_id_position_fk" FOREIGN KEY ("org_id","response_id","position") REFERENCES "public"."answers"("org_id","response_id","position") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainer_links" ADD CONSTRAINT "trainer_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainer_links" ADD CONSTRAINT "trainer_links_org_id_participant_id_participants_org_id_id_fk" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_codings_code_idx" ON "evidence_codings" USING btree ("org_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "trainer_links_participant_key" ON "trainer_links" USING btree ("org_id","participant_id");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evidence_codes" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evidence_codings" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evidence_quotes" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "trainer_links" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());