CREATE TYPE "public"."recommendation_action_status" AS ENUM('not_started', 'in_progress', 'completed', 'no_longer_applicable');--> statement-breakpoint
CREATE TYPE "public"."lesson_language" AS ENUM('en', 'fr', 'es');--> statement-breakpoint
CREATE TYPE "public"."evaluation_kind" AS ENUM('annual_training', 'thematic', 'project_mid_term', 'project_final');--> statement-breakpoint
CREATE TYPE "public"."evaluation_mode" AS ENUM('independent', 'internal');--> statement-breakpoint
CREATE TYPE "public"."evaluation_status" AS ENUM('planned', 'ongoing', 'completed', 'closed');--> statement-breakpoint
CREATE TYPE "public"."lesson_kind" AS ENUM('lesson_learned', 'good_practice');--> statement-breakpoint
CREATE TYPE "public"."recommendation_priority" AS ENUM('high', 'medium', 'low');--> statement-breakpoint
CREATE TYPE "public"."response_decision" AS ENUM('accepted', 'partially_accepted', 'not_accepted');--> statement-breakpoint
CREATE TABLE "action_updates" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"on" date NOT NULL,
	"text" text NOT NULL,
	"evidence_url" text,
	"evidence_indicator" jsonb,
	"status_after" "recommendation_action_status" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "action_updates_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "action_updates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "recommendation_actions" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"recommendation_id" uuid NOT NULL,
	"description" text NOT NULL,
	"responsible_unit" text NOT NULL,
	"due_date" date NOT NULL,
	"status" "recommendation_action_status" DEFAULT 'not_started' NOT NULL,
	"completed_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recommendation_actions_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "recommendation_actions_completion" CHECK (("recommendation_actions"."status" = 'completed') = ("recommendation_actions"."completed_on" is not null))
);
--> statement-breakpoint
ALTER TABLE "recommendation_actions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "evaluations" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"mode" "evaluation_mode" NOT NULL,
	"kind" "evaluation_kind" NOT NULL,
	"status" "evaluation_status" DEFAULT 'planned' NOT NULL,
	"commissioning_unit" text DEFAULT '' NOT NULL,
	"evaluators" text[] DEFAULT '{}'::text[] NOT NULL,
	"start_date" date,
	"end_date" date,
	"countries" text[] DEFAULT '{}'::text[] NOT NULL,
	"project_code" text DEFAULT '' NOT NULL,
	"donor" text DEFAULT '' NOT NULL,
	"budget_amount" numeric(16, 2),
	"budget_currency" text DEFAULT '' NOT NULL,
	"technical_area" text DEFAULT '' NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"project_start" date,
	"project_end" date,
	"scope_activity_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"criteria" text[] DEFAULT '{}'::text[] NOT NULL,
	"questions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sample" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"limitations" text DEFAULT '' NOT NULL,
	"documents" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluations_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "evaluations_dates_ordered" CHECK ("evaluations"."end_date" is null or "evaluations"."start_date" is null or "evaluations"."end_date" >= "evaluations"."start_date")
);
--> statement-breakpoint
ALTER TABLE "evaluations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "evaluation_findings" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"evaluation_id" uuid NOT NULL,
	"criterion" text NOT NULL,
	"text" text NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "evaluation_findings_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "evaluation_findings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "evaluation_lessons" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"evaluation_id" uuid,
	"kind" "lesson_kind" NOT NULL,
	"language" "lesson_language" DEFAULT 'en' NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"context" text DEFAULT '' NOT NULL,
	"replication_conditions" text DEFAULT '' NOT NULL,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"countries" text[] DEFAULT '{}'::text[] NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_lessons_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "evaluation_lessons_published_at" CHECK ("evaluation_lessons"."published" = ("evaluation_lessons"."published_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "evaluation_lessons" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "recommendations" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"evaluation_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"text" text NOT NULL,
	"level" text DEFAULT '' NOT NULL,
	"addressees" text[] DEFAULT '{}'::text[] NOT NULL,
	"priority" "recommendation_priority" DEFAULT 'medium' NOT NULL,
	"criteria" text[] DEFAULT '{}'::text[] NOT NULL,
	"response_decision" "response_decision",
	"response_text" text,
	"response_date" date,
	CONSTRAINT "recommendations_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "recommendations_number_positive" CHECK ("recommendations"."number" > 0),
	CONSTRAINT "recommendations_response_complete" CHECK (("recommendations"."response_decision" is null) = ("recommendations"."response_date" is null) and ("recommendations"."response_decision" is null) = ("recommendations"."response_text" is null))
);
--> statement-breakpoint
ALTER TABLE "recommendations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "action_updates" ADD CONSTRAINT "action_updates_org_id_action_id_recommendation_actions_org_id_id_fk" FOREIGN KEY ("org_id","action_id") REFERENCES "public"."recommendation_actions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_actions" ADD CONSTRAINT "recommendation_actions_org_id_recommendation_id_recommendations_org_id_id_fk" FOREIGN KEY ("org_id","recommendation_id") REFERENCES "public"."recommendations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_findings" ADD CONSTRAINT "evaluation_findings_org_id_evaluation_id_evaluations_org_id_id_fk" FOREIGN KEY ("org_id","evaluation_id") REFERENCES "public"."evaluations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_lessons" ADD CONSTRAINT "evaluation_lessons_org_id_evaluation_id_evaluations_org_id_id_fk" FOREIGN KEY ("org_id","evaluation_id") REFERENCES "public"."evaluations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_org_id_evaluation_id_evaluations_org_id_id_fk" FOREIGN KEY ("org_id","evaluation_id") REFERENCES "public"."evaluations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_updates_action_idx" ON "action_updates" USING btree ("org_id","action_id");--> statement-breakpoint
CREATE INDEX "recommendation_actions_recommendation_idx" ON "recommendation_actions" USING btree ("org_id","recommendation_id");--> statement-breakpoint
CREATE INDEX "evaluation_findings_evaluation_idx" ON "evaluation_findings" USING btree ("org_id","evaluation_id");--> statement-breakpoint
CREATE INDEX "evaluation_lessons_published_idx" ON "evaluation_lessons" USING btree ("published");--> statement-breakpoint
CREATE UNIQUE INDEX "recommendations_number_key" ON "recommendations" USING btree ("org_id","evaluation_id","number");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "action_updates" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "recommendation_actions" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evaluations" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evaluation_findings" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "evaluation_lessons" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "recommendations" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());