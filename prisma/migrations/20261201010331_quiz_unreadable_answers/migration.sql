-- CreateTable
CREATE TABLE "QuizUnreadableAnswer" (
    "quizItemId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,

    PRIMARY KEY ("quizItemId", "userId"),
    CONSTRAINT "QuizUnreadableAnswer_quizItemId_fkey" FOREIGN KEY ("quizItemId") REFERENCES "QuizItem" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "QuizUnreadableAnswer_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
