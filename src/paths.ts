import fs from "node:fs";
import path from "node:path";

/** The project folder (holding package.json), whether running from src/ (tests) or dist/src/. */
export const projectRoot: string = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + __dirname);
    dir = up;
  }
  return dir;
})();

export const viewsDir = path.join(projectRoot, "views");
export const publicDir = path.join(projectRoot, "public");
export const prismaSchemaPath = path.join(projectRoot, "prisma", "schema.prisma");
