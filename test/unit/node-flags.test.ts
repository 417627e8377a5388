/**
 * `npm start` runs the server with SERVER_NODE_FLAGS (src/node-flags.ts), which the benches also
 * use: the two lists must not drift apart, and node must accept the flags.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "../../src/node-flags";
import { ROOT, TMP_DIR } from "../support/paths";

test("npm start runs the server with SERVER_NODE_FLAGS", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(" ")} dist/src/server.js`);
});

test("node accepts the flags, and a cluster worker inherits them", () => {
  const script = `
    const cluster = require("node:cluster");
    if (cluster.isPrimary) cluster.fork().on("message", (m) => { console.log(JSON.stringify(m)); process.exit(0); });
    else process.send(process.execArgv);`;
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const file = path.join(TMP_DIR, "node-flags-cluster.js");
  fs.writeFileSync(file, script);
  const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, file], { encoding: "utf8", timeout: 20_000 });
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual(expect.arrayContaining([...SERVER_NODE_FLAGS]));
});
