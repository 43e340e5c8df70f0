CREATE TABLE "sweep_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sweep_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"class_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"categories" text[] NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"action" text NOT NULL,
	"reason" text,
	"reviewed_by_name" text,
	"reviewed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sweeps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"owner_unit_id" integer NOT NULL,
	"owner_path" text NOT NULL,
	"name" text NOT NULL,
	"term" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"created_by_name" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sweep_entries_uq" ON "sweep_entries" USING btree ("sweep_id","student_id");--> statement-breakpoint
CREATE INDEX "sweep_entries_class_idx" ON "sweep_entries" USING btree ("sweep_id","class_id");--> statement-breakpoint
CREATE INDEX "sweeps_region_idx" ON "sweeps" USING btree ("region_id","start_date");