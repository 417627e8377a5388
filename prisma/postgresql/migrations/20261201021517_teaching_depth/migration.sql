-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "practice" TEXT NOT NULL DEFAULT 'after-due',
ADD COLUMN     "timeLimitMinutes" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "AssignmentItem" ADD COLUMN     "carryForward" DOUBLE PRECISION,
ADD COLUMN     "data" TEXT;

-- AlterTable
ALTER TABLE "Extension" ADD COLUMN     "extraMinutes" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "QuizItem" ADD COLUMN     "data" TEXT;

-- AlterTable
ALTER TABLE "Variant" ADD COLUMN     "practiceItemId" INTEGER;

-- CreateTable
CREATE TABLE "AssignmentStart" (
    "id" SERIAL NOT NULL,
    "assignmentId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssignmentStart_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AssignmentStart_userId_idx" ON "AssignmentStart"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "AssignmentStart_assignmentId_userId_key" ON "AssignmentStart"("assignmentId", "userId");

-- CreateIndex
CREATE INDEX "Variant_practiceItemId_userId_idx" ON "Variant"("practiceItemId", "userId");

-- AddForeignKey
ALTER TABLE "Variant" ADD CONSTRAINT "Variant_practiceItemId_fkey" FOREIGN KEY ("practiceItemId") REFERENCES "AssignmentItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssignmentStart" ADD CONSTRAINT "AssignmentStart_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssignmentStart" ADD CONSTRAINT "AssignmentStart_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
