-- AlterTable
ALTER TABLE "AssignmentItem" ADD COLUMN "carryForward" REAL;
