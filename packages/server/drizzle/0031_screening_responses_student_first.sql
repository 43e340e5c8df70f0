DROP INDEX "screening_responses_student_idx";--> statement-breakpoint
DROP INDEX "screening_responses_live_uq";--> statement-breakpoint
CREATE INDEX "screening_responses_superseded_idx" ON "screening_responses" USING btree ("student_id","campaign_id","instrument_key","attempt") WHERE "screening_responses"."status" = 'superseded';--> statement-breakpoint
CREATE UNIQUE INDEX "screening_responses_live_uq" ON "screening_responses" USING btree ("student_id","campaign_id","instrument_key") WHERE "screening_responses"."status" <> 'superseded';