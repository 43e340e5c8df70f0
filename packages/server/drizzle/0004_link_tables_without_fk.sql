ALTER TABLE "student_guardians" DROP CONSTRAINT "student_guardians_student_id_students_id_fk";
--> statement-breakpoint
ALTER TABLE "student_guardians" DROP CONSTRAINT "student_guardians_guardian_id_guardians_id_fk";
--> statement-breakpoint
ALTER TABLE "student_history" DROP CONSTRAINT "student_history_student_id_students_id_fk";
