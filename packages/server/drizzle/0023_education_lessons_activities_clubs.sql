CREATE TABLE "education_activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"org_path" text NOT NULL,
	"kind" text NOT NULL,
	"theme" text,
	"title" text NOT NULL,
	"date" date NOT NULL,
	"participants" integer DEFAULT 0 NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"evidence_url" text,
	"client_id" uuid NOT NULL,
	"created_by" uuid,
	"created_by_name" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "education_clubs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"org_path" text NOT NULL,
	"name" text NOT NULL,
	"advisor_staff_id" uuid,
	"advisor_name" text NOT NULL,
	"members" integer DEFAULT 0 NOT NULL,
	"founded_on" date,
	"active" boolean DEFAULT true NOT NULL,
	"client_id" uuid NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "education_lessons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"org_path" text NOT NULL,
	"date" date NOT NULL,
	"topic" text NOT NULL,
	"teacher_staff_id" uuid,
	"teacher_name" text NOT NULL,
	"minutes" smallint DEFAULT 40 NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"client_id" uuid,
	"created_by" uuid,
	"created_by_name" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "education_activities_client_uq" ON "education_activities" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "education_activities_region_date_idx" ON "education_activities" USING btree ("region_id","date","kind");--> statement-breakpoint
CREATE INDEX "education_activities_unit_idx" ON "education_activities" USING btree ("unit_id","date");--> statement-breakpoint
CREATE INDEX "education_activities_path_idx" ON "education_activities" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "education_clubs_client_uq" ON "education_clubs" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "education_clubs_region_school_idx" ON "education_clubs" USING btree ("region_id","school_id");--> statement-breakpoint
CREATE INDEX "education_clubs_path_idx" ON "education_clubs" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "education_lessons_class_date_uq" ON "education_lessons" USING btree ("class_id","date");--> statement-breakpoint
CREATE UNIQUE INDEX "education_lessons_client_uq" ON "education_lessons" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "education_lessons_region_date_idx" ON "education_lessons" USING btree ("region_id","date","school_id","class_id");--> statement-breakpoint
CREATE INDEX "education_lessons_school_date_idx" ON "education_lessons" USING btree ("school_id","date");--> statement-breakpoint
CREATE INDEX "education_lessons_path_idx" ON "education_lessons" USING btree ("org_path" text_pattern_ops);