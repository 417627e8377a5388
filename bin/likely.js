#!/usr/bin/env node
// The `likely` command. The TypeScript sources are compiled to dist/ by `npm ci` (postinstall).
require("../dist/src/cli/main.js").main(process.argv.slice(2));
