-- Practice variants, timed exams and extra minutes. Columns are added in place (no table
-- redefinition), so this migration neither drops nor rewrites columns that other migrations add.

-- CreateTable
CREATE TABLE "AssignmentStart" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "assignmentId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AssignmentStart_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AssignmentStart_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN "timeLimitMinutes" REAL;
ALTER TABLE "Assignment" ADD COLUMN "practice" TEXT NOT NULL DEFAULT 'after-due';
ALTER TABLE "Extension" ADD COLUMN "extraMinutes" REAL NOT NULL DEFAULT 0;
ALTER TABLE "Variant" ADD COLUMN "practiceItemId" INTEGER REFERENCES "AssignmentItem" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "Variant_practiceItemId_userId_idx" ON "Variant"("practiceItemId", "userId");
CREATE INDEX "AssignmentStart_userId_idx" ON "AssignmentStart"("userId");
CREATE UNIQUE INDEX "AssignmentStart_assignmentId_userId_key" ON "AssignmentStart"("assignmentId", "userId");
