CREATE TABLE "collection_links" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"token" text NOT NULL,
	"instrument_version_id" uuid NOT NULL,
	"activity_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "collection_links_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "collection_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "instrument_versions" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"instrument_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instrument_versions_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "instrument_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "instruments" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"purpose" text NOT NULL,
	"title" jsonb NOT NULL,
	"anonymous" boolean DEFAULT false NOT NULL,
	"draft" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instruments_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "instruments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "answers" (
	"org_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"question_key" text NOT NULL,
	"item_index" integer DEFAULT 0 NOT NULL,
	"resource_person_id" uuid,
	"choice_code" text,
	"numeric_value" double precision,
	"text_value" text,
	"instrument_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"activity_id" uuid,
	CONSTRAINT "answers_org_id_response_id_position_pk" PRIMARY KEY("org_id","response_id","position")
);
--> statement-breakpoint
ALTER TABLE "answers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "responses" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"instrument_id" uuid NOT NULL,
	"instrument_version_id" uuid NOT NULL,
	"activity_id" uuid,
	"participant_id" uuid,
	"collection_link_id" uuid,
	"status" text DEFAULT 'partial' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"source" text DEFAULT 'web' NOT NULL,
	"client_submission_id" text NOT NULL,
	"lang" text,
	"data" jsonb NOT NULL,
	"score" double precision,
	"max_score" double precision,
	CONSTRAINT "responses_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "responses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "collection_links" ADD CONSTRAINT "collection_links_org_id_instrument_version_id_instrument_versions_org_id_id_fk" FOREIGN KEY ("org_id","instrument_version_id") REFERENCES "public"."instrument_versions"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instrument_versions" ADD CONSTRAINT "instrument_versions_org_id_instrument_id_instruments_org_id_id_fk" FOREIGN KEY ("org_id","instrument_id") REFERENCES "public"."instruments"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answers" ADD CONSTRAINT "answers_org_id_response_id_responses_org_id_id_fk" FOREIGN KEY ("org_id","response_id") REFERENCES "public"."responses"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_org_id_instrument_id_instruments_org_id_id_fk" FOREIGN KEY ("org_id","instrument_id") REFERENCES "public"."instruments"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_org_id_instrument_version_id_instrument_versions_org_id_id_fk" FOREIGN KEY ("org_id","instrument_version_id") REFERENCES "public"."instrument_versions"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "collection_links_token_idx" ON "collection_links" USING btree ("token");--> statement-breakpoint
CREATE UNIQUE INDEX "instrument_versions_number_key" ON "instrument_versions" USING btree ("org_id","instrument_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "instruments_key_key" ON "instruments" USING btree ("org_id","key");--> statement-breakpoint
CREATE INDEX "answers_question_idx" ON "answers" USING btree ("org_id","question_key","choice_code");--> statement-breakpoint
CREATE INDEX "answers_activity_question_idx" ON "answers" USING btree ("org_id","activity_id","question_key");--> statement-breakpoint
CREATE UNIQUE INDEX "responses_client_submission_key" ON "responses" USING btree ("org_id","client_submission_id");--> statement-breakpoint
CREATE INDEX "responses_instrument_idx" ON "responses" USING btree ("org_id","instrument_id","status");--> statement-breakpoint
CREATE INDEX "responses_activity_idx" ON "responses" USING btree ("org_id","activity_id");--> statement-breakpoint
CREATE INDEX "responses_participant_idx" ON "responses" USING btree ("org_id","participant_id");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "collection_links" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "instrument_versions" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "instruments" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "answers" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "responses" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());