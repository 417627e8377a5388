-- CreateIndex
CREATE INDEX "Submission_variantId_score_idx" ON "Submission"("variantId", "score");
