CREATE TYPE "public"."message_status" AS ENUM('queued', 'sending', 'sent', 'retrying', 'bounced', 'failed', 'suppressed', 'uncertain');--> statement-breakpoint
CREATE TABLE "mail_suppressions" (
	"org_id" uuid NOT NULL,
	"recipient_hash" text NOT NULL,
	"reason" text NOT NULL,
	"message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_suppressions_org_id_recipient_hash_pk" PRIMARY KEY("org_id","recipient_hash")
);
--> statement-breakpoint
ALTER TABLE "mail_suppressions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outbound_messages" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"recipient" text,
	"recipient_hash" text,
	"participant_id" uuid,
	"language" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text,
	"html_body" text,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text NOT NULL,
	"status" "message_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"provider_message_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbound_messages_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "outbound_messages_personal_data_only_while_pending" CHECK (("outbound_messages"."status" in ('queued', 'retrying', 'sending', 'uncertain')) = ("outbound_messages"."recipient" is not null and "outbound_messages"."text_body" is not null)),
	CONSTRAINT "outbound_messages_lease_only_while_sending" CHECK (("outbound_messages"."status" = 'sending') = ("outbound_messages"."lease_until" is not null))
);
--> statement-breakpoint
ALTER TABLE "outbound_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mail_suppressions" ADD CONSTRAINT "mail_suppressions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_messages_dedupe_key" ON "outbound_messages" USING btree ("org_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "outbound_messages_due_idx" ON "outbound_messages" USING btree ("org_id","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outbound_messages_participant_idx" ON "outbound_messages" USING btree ("org_id","participant_id");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "mail_suppressions" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());--> statement-breakpoint
CREATE POLICY "org_isolation" ON "outbound_messages" AS PERMISSIVE FOR ALL TO "tracer_app" USING (org_id = tracer_current_org()) WITH CHECK (org_id = tracer_current_org());