CREATE TABLE "workforce_studio_members" (
	"studio_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"role" text NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"org_path" text NOT NULL,
	CONSTRAINT "workforce_studio_members_studio_id_staff_id_pk" PRIMARY KEY("studio_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "workforce_studios" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"leader_staff_id" uuid NOT NULL,
	"founded_year" smallint NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"client_id" uuid NOT NULL,
	"created_by" uuid,
	"created_by_name" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workforce_studio_members" ADD CONSTRAINT "workforce_studio_members_studio_id_workforce_studios_id_fk" FOREIGN KEY ("studio_id") REFERENCES "public"."workforce_studios"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_studio_members" ADD CONSTRAINT "workforce_studio_members_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_studios" ADD CONSTRAINT "workforce_studios_leader_staff_id_staff_id_fk" FOREIGN KEY ("leader_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workforce_studio_members_staff_idx" ON "workforce_studio_members" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "workforce_studio_members_path_idx" ON "workforce_studio_members" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "workforce_studios_client_uq" ON "workforce_studios" USING btree ("client_id");