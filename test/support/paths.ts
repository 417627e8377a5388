import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
/** This test run's scratch folder, made by global-setup (several runs may share a machine). */
export const TMP_DIR = process.env.LIKELY_TEST_TMP ?? path.join(ROOT, ".tmp", "scratch");
export const TEMPLATE_DB = path.join(TMP_DIR, "template.db");
