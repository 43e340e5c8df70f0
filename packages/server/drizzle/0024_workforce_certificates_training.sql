CREATE TABLE "workforce_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"staff_id" uuid NOT NULL,
	"school_id" integer NOT NULL,
	"org_path" text NOT NULL,
	"kind" text NOT NULL,
	"level" text,
	"title" text DEFAULT '' NOT NULL,
	"number" text DEFAULT '' NOT NULL,
	"issuer" text DEFAULT '' NOT NULL,
	"issued_on" date NOT NULL,
	"expires_on" date,
	"evidence" text DEFAULT '' NOT NULL,
	"client_id" uuid NOT NULL,
	"created_by" uuid,
	"created_by_name" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"withdrawn_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workforce_training_attendees" (
	"training_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"region_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"org_path" text NOT NULL,
	CONSTRAINT "workforce_training_attendees_training_id_staff_id_pk" PRIMARY KEY("training_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "workforce_trainings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"title" text NOT NULL,
	"date" date NOT NULL,
	"level" text NOT NULL,
	"hours" double precision NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"client_id" uuid NOT NULL,
	"created_by" uuid,
	"created_by_name" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workforce_certificates" ADD CONSTRAINT "workforce_certificates_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_training_attendees" ADD CONSTRAINT "workforce_training_attendees_training_id_workforce_trainings_id_fk" FOREIGN KEY ("training_id") REFERENCES "public"."workforce_trainings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_training_attendees" ADD CONSTRAINT "workforce_training_attendees_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workforce_certificates_client_uq" ON "workforce_certificates" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "workforce_certificates_staff_idx" ON "workforce_certificates" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "workforce_certificates_path_idx" ON "workforce_certificates" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "workforce_training_attendees_staff_idx" ON "workforce_training_attendees" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "workforce_training_attendees_school_idx" ON "workforce_training_attendees" USING btree ("school_id");--> statement-breakpoint
CREATE INDEX "workforce_training_attendees_path_idx" ON "workforce_training_attendees" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "workforce_trainings_client_uq" ON "workforce_trainings" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "workforce_trainings_date_idx" ON "workforce_trainings" USING btree ("region_id","date");