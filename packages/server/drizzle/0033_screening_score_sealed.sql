-- the stored score is sealed by the application like the answers (its critical items name the answer given); rows from before stay plain JSON text until the start-up pass seals them
ALTER TABLE "screening_responses" ALTER COLUMN "score" SET DATA TYPE text USING "score"::text;
