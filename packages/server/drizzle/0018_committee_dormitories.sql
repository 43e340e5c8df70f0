ALTER TABLE "committee_concerns" ALTER COLUMN "class_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "committee_reports" ALTER COLUMN "class_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "role_assignments" ADD COLUMN "dormitory_id" integer;--> statement-breakpoint
ALTER TABLE "committee_concerns" ADD COLUMN "dormitory_id" integer;--> statement-breakpoint
ALTER TABLE "committee_reports" ADD COLUMN "dormitory_id" integer;--> statement-breakpoint
ALTER TABLE "role_assignments" ADD CONSTRAINT "role_assignments_dormitory_id_dormitories_id_fk" FOREIGN KEY ("dormitory_id") REFERENCES "public"."dormitories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "role_assignments_dormitory_idx" ON "role_assignments" USING btree ("dormitory_id") WHERE "role_assignments"."dormitory_id" is not null;--> statement-breakpoint
CREATE INDEX "committee_concerns_dorm_day_idx" ON "committee_concerns" USING btree ("dormitory_id","date") WHERE "committee_concerns"."dormitory_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "committee_reports_member_dorm_day_uq" ON "committee_reports" USING btree ("reporter_student_id","dormitory_id","date") WHERE "committee_reports"."dormitory_id" is not null;--> statement-breakpoint
CREATE INDEX "committee_reports_dorm_day_idx" ON "committee_reports" USING btree ("dormitory_id","date") WHERE "committee_reports"."dormitory_id" is not null;--> statement-breakpoint
ALTER TABLE "role_assignments" ADD CONSTRAINT "role_assignments_dormitory_ck" CHECK ("role_assignments"."dormitory_id" is null or ("role_assignments"."role" = 'committee' and "role_assignments"."org_unit_id" is null and "role_assignments"."student_id" is not null));--> statement-breakpoint
ALTER TABLE "committee_concerns" ADD CONSTRAINT "committee_concerns_unit_ck" CHECK (("committee_concerns"."class_id" is null) <> ("committee_concerns"."dormitory_id" is null));--> statement-breakpoint
ALTER TABLE "committee_reports" ADD CONSTRAINT "committee_reports_unit_ck" CHECK (("committee_reports"."class_id" is null) <> ("committee_reports"."dormitory_id" is null));