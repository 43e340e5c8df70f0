-- the one-time passwords of staff accounts an import created, sealed by the application (bound to the job) until they stop being shown an hour after the import, so every server process can show them to the importer
ALTER TABLE "import_jobs" ADD COLUMN "credentials" text;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "credentials_until" timestamp with time zone;