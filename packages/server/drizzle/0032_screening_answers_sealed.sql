-- answers are sealed by the application (modules/screening/sealing.ts); rows from before stay plain JSON text until the start-up pass seals them
ALTER TABLE "screening_responses" ALTER COLUMN "answers" SET DATA TYPE text USING "answers"::text;
