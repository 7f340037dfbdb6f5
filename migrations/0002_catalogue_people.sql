CREATE TYPE "public"."activity_fee_type" AS ENUM('free', 'fee', 'sponsored');--> statement-breakpoint
CREATE TYPE "public"."activity_modality" AS ENUM('face_to_face', 'online_tutored', 'online_self_paced', 'blended', 'webinar');--> statement-breakpoint
CREATE TYPE "public"."activity_status" AS ENUM('planned', 'open', 'ongoing', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."resource_type" AS ENUM('handbook', 'toolkit', 'course', 'video', 'guide', 'dataset', 'other');--> statement-breakpoint
CREATE TYPE "public"."constituent_group" AS ENUM('government', 'workers', 'employers', 'other');--> statement-breakpoint
CREATE TYPE "public"."disability_status" AS ENUM('with_disability', 'without_disability', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."enrolment_role" AS ENUM('participant', 'resource_person');--> statement-breakpoint
CREATE TYPE "public"."enrolment_status" AS ENUM('applied', 'enrolled', 'completed', 'certified', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."participant_gender" AS ENUM('woman', 'man', 'non_binary', 'self_described', 'prefer_not_to_say');--> statement-breakpoint
CREATE TYPE "public"."participant_organisation_type" AS ENUM('ministry_of_labour', 'other_government', 'workers_organisation', 'employers_organisation', 'ngo_cso', 'academia', 'un_international', 'private_sector', 'other');--> statement-breakpoint
CREATE TYPE "public"."wg_answer" AS ENUM('no_difficulty', 'some_difficulty', 'a_lot_of_difficulty', 'cannot_do');--> statement-breakpoint
CREATE TABLE "activities" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"modality" "activity_modality" NOT NULL,
	"languages" text[] DEFAULT '{}'::text[] NOT NULL,
	"start_date" date,
	"end_date" date,
	"country" text,
	"city" text,
	"region" text,
	"sub_region" text,
	"fee_type" "activity_fee_type" DEFAULT 'free' NOT NULL,
	"is_open" boolean DEFAULT true NOT NULL,
	"target_groups" text[] DEFAULT '{}'::text[] NOT NULL,
	"programme" text,
	"markers" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" "activity_status" DEFAULT 'planned' NOT NULL,
	"capacity" integer,
	"cost" numeric(14, 2),
	"replication_notes" text,
	"contact" text,
	"published" boolean DEFAULT false NOT NULL,
	"search_vector" "tsvector",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activities_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "activities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "resource_activities" (
	"org_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	CONSTRAINT "resource_activities_org_id_resource_id_activity_id_pk" PRIMARY KEY("org_id","resource_id","activity_id")
);
--> statement-breakpoint
ALTER TABLE "resource_activities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "resources" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"type" "resource_type" NOT NULL,
	"languages" text[] DEFAULT '{}'::text[] NOT NULL,
	"licence" text,
	"url" text,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"open_access" boolean DEFAULT true NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"search_vector" "tsvector",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resources_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "resources" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "themes" (
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"label_en" text NOT NULL,
	"label_fr" text NOT NULL,
	"label_es" text NOT NULL,
	CONSTRAINT "themes_org_id_code_pk" PRIMARY KEY("org_id","code")
);
--> statement-breakpoint
ALTER TABLE "themes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "enrolments" (
	"org_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"role" "enrolment_role" DEFAULT 'participant' NOT NULL,
	"status" "enrolment_status" DEFAULT 'enrolled' NOT NULL,
	"sponsor" text,
	"completion_date" date,
	CONSTRAINT "enrolments_org_id_participant_id_activity_id_pk" PRIMARY KEY("org_id","participant_id","activity_id")
);
--> statement-breakpoint
ALTER TABLE "enrolments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "participant_personal_data" (
	"org_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"given_name" text,
	"family_name" text,
	"email" text,
	"phone" text,
	CONSTRAINT "participant_personal_data_org_id_participant_id_pk" PRIMARY KEY("org_id","participant_id")
);
--> statement-breakpoint
ALTER TABLE "participant_personal_data" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "participants" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"gender" "participant_gender",
	"gender_description" text,
	"birth_year" integer,
	"nationality" text,
	"residence_country" text,
	"region" text,
	"sub_region" text,
	"ldc" boolean,
	"lldc" boolean,
	"sids" boolean,
	"organisation_name" text,
	"organisation_type" "participant_organisation_type",
	"constituent_group" "constituent_group",
	"wg_seeing" "wg_answer",
	"wg_hearing" "wg_answer",
	"wg_walking" "wg_answer",
	"wg_cognition" "wg_answer",
	"wg_selfcare" "wg_answer",
	"wg_communication" "wg_answer",
	"disability_status" "disability_status" DEFAULT 'unknown' NOT NULL,
	"preferred_language" text,
	"consent_followup" boolean DEFAULT false NOT NULL,
	"consent_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participants_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "participants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_activities" ADD CONSTRAINT "resource_activities_org_id_resource_id_resources_org_id_id_fk" FOREIGN KEY ("org_id","resource_id") REFERENCES "public"."resources"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_activities" ADD CONSTRAINT "resource_activities_org_id_activity_id_activities_org_id_id_fk" FOREIGN KEY ("org_id","activity_id") REFERENCES "public"."activities"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "themes" ADD CONSTRAINT "themes_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_org_id_participant_id_participants_org_id_id_fk" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_org_id_activity_id_activities_org_id_id_fk" FOREIGN KEY ("org_id","activity_id") REFERENCES "public"."activities"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participant_personal_data" ADD CONSTRAINT "participant_personal_data_org_id_participant_id_participants_org_id_id_fk" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "activities_code_key" ON "activities" USING btree ("org_id","code");--> statement-breakpoint
CREATE INDEX "activities_start_idx" ON "activities" USING btree ("org_id","start_date");--> statement-breakpoint
CREATE INDEX "activities_search_idx" ON "activities" USING gin ("search_vector");--> statement-breakpoint
CREATE UNIQUE INDEX "resources_title_key" ON "resources" USING btree ("org_id","title");--> statement-breakpoint
CREATE INDEX "resources_search_idx" ON "resources" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "enrolments_activity_idx" ON "enrolments" USING btree ("org_id","activity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "participants_code_key" ON "participants" USING btree ("org_id","code");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "activities" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "resource_activities" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "resources" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "themes" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "enrolments" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "participant_personal_data" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "participants" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());