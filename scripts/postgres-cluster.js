// A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries, initdb in a temp
// dir, its own free port, trust auth on 127.0.0.1 only, run as the `postgres` user when we are root
// (initdb refuses root). Plain JavaScript so jest.config.js can ask whether the binaries exist.
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { execFileSync, spawnSync } = require("node:child_process");

/** The folder holding initdb and pg_ctl, or null: PATH first, then Debian's /usr/lib/postgresql/N/bin (newest). */
function findPostgresBin() {
  if (process.env.LIKELY_PG_BIN) return fs.existsSync(path.join(process.env.LIKELY_PG_BIN, "initdb")) ? process.env.LIKELY_PG_BIN : null;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (fs.existsSync(path.join(debian, v, "bin", "initdb"))) return path.join(debian, v, "bin");
  }
  return null;
}

/** Why the PostgreSQL runs cannot happen here, or null when they can. */
function postgresUnavailableReason() {
  if (process.env.LIKELY_TEST_POSTGRES === "0") return "LIKELY_TEST_POSTGRES=0";
  if (!findPostgresBin()) return "no PostgreSQL server binaries (initdb, pg_ctl) found; install Debian's postgresql package (.ci/run does)";
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && spawnSync("id", ["-u", "postgres"]).status !== 0) return "running as root and there is no `postgres` user to run the server as";
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function asServerUser(bin, args) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const command = root ? "runuser" : path.join(bin, args[0]);
  const argv = root ? ["-u", "postgres", "--", path.join(bin, args[0]), ...args.slice(1)] : args.slice(1);
  execFileSync(command, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: os.tmpdir() });
}

/**
 * Starts a cluster; resolves to {dir, port, url (of the `postgres` database), stop()}. Unless
 * `durable`, fsync is off (a throwaway cluster for tests: kill -9 of app processes is what they
 * do, not power cuts); synchronous_commit stays on either way, so a COMMIT that returned is what
 * later connections see.
 */
async function startCluster(options = {}) {
  const bin = findPostgresBin();
  if (!bin) throw new Error(postgresUnavailableReason());
  const dir = fs.mkdtempSync(path.join(options.parent ?? os.tmpdir(), "likely-pg-"));
  fs.chmodSync(dir, 0o755);
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root) execFileSync("chown", ["postgres", dir]);
  const data = path.join(dir, "data");
  asServerUser(bin, ["initdb", "-D", data, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
  const port = await freePort();
  const settings = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses=127.0.0.1", "-c max_connections=400", ...(options.durable ? [] : ["-c fsync=off", "-c full_page_writes=off"]), ...(options.settings ?? [])];
  asServerUser(bin, ["pg_ctl", "-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "-o", settings.join(" "), "start"]);
  return {
    dir,
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asServerUser(bin, ["pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The same cluster URL with another database name. */
function databaseUrl(clusterUrl, name) {
  const u = new URL(clusterUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

module.exports = { findPostgresBin, postgresUnavailableReason, startCluster, databaseUrl };
