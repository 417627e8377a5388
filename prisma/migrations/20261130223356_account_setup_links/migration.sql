-- AlterTable
ALTER TABLE "User" ADD COLUMN "passwordSetByCourseId" INTEGER;

-- CreateTable
CREATE TABLE "AccountSetup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tokenHash" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "courseId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    CONSTRAINT "AccountSetup_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AccountSetup_tokenHash_key" ON "AccountSetup"("tokenHash");

-- CreateIndex
CREATE INDEX "AccountSetup_userId_idx" ON "AccountSetup"("userId");
