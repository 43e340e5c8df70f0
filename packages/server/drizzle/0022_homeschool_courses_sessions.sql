CREATE TABLE "homeschool_attendance" (
	"session_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"attended" boolean NOT NULL,
	"source" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "homeschool_attendance_session_id_student_id_pk" PRIMARY KEY("session_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "homeschool_completions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"course_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"completed_on" date NOT NULL,
	"credits" smallint NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "homeschool_courses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"owner_unit_id" integer NOT NULL,
	"org_path" text NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"video_url" text,
	"body" text DEFAULT '' NOT NULL,
	"minutes" smallint NOT NULL,
	"credits" smallint NOT NULL,
	"target_grades" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"year" smallint NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"published_at" timestamp with time zone,
	"client_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "homeschool_credit_standards" (
	"region_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"credits" smallint NOT NULL,
	"updated_by" uuid NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "homeschool_credit_standards_region_id_year_pk" PRIMARY KEY("region_id","year")
);
--> statement-breakpoint
CREATE TABLE "homeschool_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"target" text NOT NULL,
	"target_unit_id" integer NOT NULL,
	"org_path" text NOT NULL,
	"date" date NOT NULL,
	"topic" text NOT NULL,
	"speaker" text DEFAULT '' NOT NULL,
	"mental_health" boolean DEFAULT true NOT NULL,
	"code" text NOT NULL,
	"client_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "homeschool_attendance_student_idx" ON "homeschool_attendance" USING btree ("student_id");--> statement-breakpoint
CREATE UNIQUE INDEX "homeschool_completions_uq" ON "homeschool_completions" USING btree ("course_id","account_id");--> statement-breakpoint
CREATE INDEX "homeschool_completions_account_idx" ON "homeschool_completions" USING btree ("account_id","completed_on");--> statement-breakpoint
CREATE INDEX "homeschool_completions_region_idx" ON "homeschool_completions" USING btree ("region_id","completed_on");--> statement-breakpoint
CREATE UNIQUE INDEX "homeschool_courses_client_uq" ON "homeschool_courses" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "homeschool_courses_path_idx" ON "homeschool_courses" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "homeschool_courses_region_year_idx" ON "homeschool_courses" USING btree ("region_id","year");--> statement-breakpoint
CREATE UNIQUE INDEX "homeschool_sessions_client_uq" ON "homeschool_sessions" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "homeschool_sessions_code_uq" ON "homeschool_sessions" USING btree ("region_id","code");--> statement-breakpoint
CREATE INDEX "homeschool_sessions_path_idx" ON "homeschool_sessions" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "homeschool_sessions_school_idx" ON "homeschool_sessions" USING btree ("school_id","date");--> statement-breakpoint
CREATE INDEX "homeschool_sessions_region_date_idx" ON "homeschool_sessions" USING btree ("region_id","date");