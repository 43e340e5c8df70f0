ALTER TABLE "sessions" ADD COLUMN "totp_pending" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "totp_pending_at" timestamp with time zone;