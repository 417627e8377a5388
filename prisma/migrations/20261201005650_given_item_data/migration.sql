-- AlterTable
ALTER TABLE "AssignmentItem" ADD COLUMN "data" TEXT;

-- AlterTable
ALTER TABLE "QuizItem" ADD COLUMN "data" TEXT;
