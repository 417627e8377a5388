import fs from "node:fs";

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { likelyPgCluster?: { stop(): void } }).likelyPgCluster;
  if (cluster) cluster.stop();
  const dir = process.env.LIKELY_TEST_TMP;
  if (dir && /[\\/]run-[^\\/]+$/.test(dir)) fs.rmSync(dir, { recursive: true, force: true });
}
