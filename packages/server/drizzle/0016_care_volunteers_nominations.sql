CREATE TABLE "care_honours" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"school_path" text NOT NULL,
	"year" smallint NOT NULL,
	"account_id" uuid NOT NULL,
	"teacher_name" text NOT NULL,
	"summary" text NOT NULL,
	"figures" jsonb,
	"nominated_by_name" text,
	"nominated_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'nominated' NOT NULL,
	"reviewed_by_name" text,
	"reviewed_at" timestamp with time zone,
	"review_note" text
);
--> statement-breakpoint
CREATE TABLE "care_volunteers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"key_student_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"account_name" text NOT NULL,
	"note" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	"decline_reason" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "diary_nominations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"school_path" text NOT NULL,
	"diary_entry_id" uuid NOT NULL,
	"quarter" text NOT NULL,
	"author_account_id" uuid NOT NULL,
	"author_name" text NOT NULL,
	"kind" text NOT NULL,
	"entry_date" date NOT NULL,
	"fields" jsonb NOT NULL,
	"note" text NOT NULL,
	"recommendation" text NOT NULL,
	"nominated_by_name" text,
	"nominated_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'nominated' NOT NULL,
	"reviewed_by_name" text,
	"reviewed_at" timestamp with time zone,
	"review_note" text
);
--> statement-breakpoint
CREATE TABLE "parent_pairings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"volunteer_id" uuid NOT NULL,
	"key_student_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"contact_name" text NOT NULL,
	"contact_phone" text,
	"started_by_name" text,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"ended_by_name" text
);
--> statement-breakpoint
CREATE TABLE "parent_volunteers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"guardian_id" uuid NOT NULL,
	"name" text NOT NULL,
	"note" text NOT NULL,
	"source" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by_name" text,
	"created_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "care_honours_year_account_uq" ON "care_honours" USING btree ("year","account_id") WHERE "care_honours"."status" <> 'declined';--> statement-breakpoint
CREATE INDEX "care_honours_region_year_idx" ON "care_honours" USING btree ("region_id","year","status");--> statement-breakpoint
CREATE UNIQUE INDEX "care_volunteers_pending_uq" ON "care_volunteers" USING btree ("key_student_id","account_id") WHERE "care_volunteers"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "care_volunteers_account_idx" ON "care_volunteers" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "care_volunteers_school_idx" ON "care_volunteers" USING btree ("school_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "diary_nominations_entry_uq" ON "diary_nominations" USING btree ("diary_entry_id");--> statement-breakpoint
CREATE INDEX "diary_nominations_quarter_idx" ON "diary_nominations" USING btree ("region_id","quarter","status");--> statement-breakpoint
CREATE UNIQUE INDEX "parent_pairings_volunteer_uq" ON "parent_pairings" USING btree ("volunteer_id") WHERE "parent_pairings"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "parent_pairings_student_uq" ON "parent_pairings" USING btree ("key_student_id") WHERE "parent_pairings"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "parent_pairings_school_idx" ON "parent_pairings" USING btree ("school_id");--> statement-breakpoint
CREATE UNIQUE INDEX "parent_volunteers_active_uq" ON "parent_volunteers" USING btree ("school_id","guardian_id") WHERE "parent_volunteers"."status" = 'active';--> statement-breakpoint
CREATE INDEX "parent_volunteers_guardian_idx" ON "parent_volunteers" USING btree ("guardian_id");