#!/usr/bin/env node
// `npm start` runs the compiled server; rebuild first only when a TypeScript source is newer
// than the last build, so a fresh clone (built by `npm ci`) starts at once and an edited one is never stale.
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const stamp = path.join(root, "dist", ".tsbuildinfo");

function newest(dir) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated") continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(p));
    else if (/\.(ts|hbs)$/.test(entry.name)) latest = Math.max(latest, fs.statSync(p).mtimeMs);
  }
  return latest;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
const sources = Math.max(...["src", "exercises", "bench"].map((d) => newest(path.join(root, d))));
if (sources > built) {
  console.log("Sources changed since the last build: compiling...");
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], { stdio: "inherit" });
  fs.utimesSync(stamp, new Date(), new Date());
}
