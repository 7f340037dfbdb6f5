CREATE TABLE "wave_activities" (
	"org_id" uuid NOT NULL,
	"wave_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	CONSTRAINT "wave_activities_org_id_wave_id_activity_id_pk" PRIMARY KEY("org_id","wave_id","activity_id")
);
--> statement-breakpoint
ALTER TABLE "wave_activities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "wave_invitation_tokens" (
	"org_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"invitation_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wave_invitation_tokens_org_id_token_hash_pk" PRIMARY KEY("org_id","token_hash")
);
--> statement-breakpoint
ALTER TABLE "wave_invitation_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "wave_invitations" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"wave_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"language" text NOT NULL,
	"message_id" uuid,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"last_reminder_at" timestamp with time zone,
	"anonymous_submission_id" text,
	"response_status" text,
	"responded_at" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wave_invitations_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "wave_invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "wave_settings" (
	"org_id" uuid NOT NULL,
	"auto_apply" boolean DEFAULT false NOT NULL,
	"plan" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wave_settings_org_id_pk" PRIMARY KEY("org_id")
);
--> statement-breakpoint
ALTER TABLE "wave_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "waves" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"instrument_id" uuid NOT NULL,
	"instrument_version_id" uuid NOT NULL,
	"collection_link_id" uuid NOT NULL,
	"population" text NOT NULL,
	"eligible_statuses" text[] DEFAULT '{completed,certified}'::text[] NOT NULL,
	"anchor" text NOT NULL,
	"offset_months" integer DEFAULT 0 NOT NULL,
	"offset_days" integer DEFAULT 0 NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"reminder_days" integer[] DEFAULT '{7,14}'::int[] NOT NULL,
	"plan_key" text,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "waves_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "waves" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "wave_activities" ADD CONSTRAINT "wave_activities_org_id_wave_id_waves_org_id_id_fk" FOREIGN KEY ("org_id","wave_id") REFERENCES "public"."waves"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wave_activities" ADD CONSTRAINT "wave_activities_org_id_activity_id_activities_org_id_id_fk" FOREIGN KEY ("org_id","activity_id") REFERENCES "public"."activities"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wave_invitation_tokens" ADD CONSTRAINT "wave_invitation_tokens_org_id_invitation_id_wave_invitations_org_id_id_fk" FOREIGN KEY ("org_id","invitation_id") REFERENCES "public"."wave_invitations"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wave_invitations" ADD CONSTRAINT "wave_invitations_org_id_wave_id_activity_id_wave_activities_org_id_wave_id_activity_id_fk" FOREIGN KEY ("org_id","wave_id","activity_id") REFERENCES "public"."wave_activities"("org_id","wave_id","activity_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wave_invitations" ADD CONSTRAINT "wave_invitations_org_id_participant_id_participants_org_id_id_fk" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wave_invitations" ADD CONSTRAINT "wave_invitations_org_id_message_id_outbound_messages_org_id_id_fk" FOREIGN KEY ("org_id","message_id") REFERENCES "public"."outbound_messages"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wave_settings" ADD CONSTRAINT "wave_settings_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waves" ADD CONSTRAINT "waves_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waves" ADD CONSTRAINT "waves_org_id_instrument_id_instruments_org_id_id_fk" FOREIGN KEY ("org_id","instrument_id") REFERENCES "public"."instruments"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waves" ADD CONSTRAINT "waves_org_id_instrument_version_id_instrument_versions_org_id_id_fk" FOREIGN KEY ("org_id","instrument_version_id") REFERENCES "public"."instrument_versions"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waves" ADD CONSTRAINT "waves_org_id_collection_link_id_collection_links_org_id_id_fk" FOREIGN KEY ("org_id","collection_link_id") REFERENCES "public"."collection_links"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wave_activities_activity_idx" ON "wave_activities" USING btree ("org_id","activity_id");--> statement-breakpoint
CREATE INDEX "wave_invitation_tokens_hash_idx" ON "wave_invitation_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "wave_invitations_person_key" ON "wave_invitations" USING btree ("org_id","wave_id","activity_id","participant_id");--> statement-breakpoint
CREATE INDEX "wave_invitations_participant_idx" ON "wave_invitations" USING btree ("org_id","participant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "waves_plan_key" ON "waves" USING btree ("org_id","plan_key");--> statement-breakpoint
CREATE INDEX "waves_open_idx" ON "waves" USING btree ("org_id","opens_at","closes_at");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "wave_activities" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "wave_invitation_tokens" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "wave_invitations" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "wave_settings" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "waves" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());