CREATE TABLE "instruments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_id" integer NOT NULL,
	"key" text NOT NULL,
	"version" text NOT NULL,
	"title_zh" text NOT NULL,
	"definition" jsonb NOT NULL,
	"source" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "instruments_region_key_version_uq" ON "instruments" USING btree ("region_id","key","version");--> statement-breakpoint
CREATE INDEX "instruments_region_idx" ON "instruments" USING btree ("region_id","key");