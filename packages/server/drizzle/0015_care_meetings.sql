CREATE TABLE "care_meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"week_start" date NOT NULL,
	"held_on" date NOT NULL,
	"attendees" text NOT NULL,
	"minutes" text NOT NULL,
	"agenda" jsonb NOT NULL,
	"created_by_name" text,
	"client_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"school_id" integer NOT NULL,
	"title" text NOT NULL,
	"student_id" uuid,
	"owner_account_id" uuid NOT NULL,
	"owner_name" text NOT NULL,
	"due_date" date NOT NULL,
	"done_at" timestamp with time zone,
	"done_note" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "care_meetings_client_uq" ON "care_meetings" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "care_meetings_school_idx" ON "care_meetings" USING btree ("school_id","week_start");--> statement-breakpoint
CREATE INDEX "meeting_tasks_owner_idx" ON "meeting_tasks" USING btree ("owner_account_id","done_at");--> statement-breakpoint
CREATE INDEX "meeting_tasks_meeting_idx" ON "meeting_tasks" USING btree ("meeting_id");