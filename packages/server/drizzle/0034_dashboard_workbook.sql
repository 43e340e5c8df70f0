ALTER TABLE "supervision_dashboard_snapshots" ADD COLUMN "workbook" "bytea";--> statement-breakpoint
ALTER TABLE "supervision_dashboard_snapshots" ADD COLUMN "workbook_key" text;--> statement-breakpoint
ALTER TABLE "supervision_dashboard_snapshots" ADD COLUMN "workbook_schools" integer;