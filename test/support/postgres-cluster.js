// The throwaway-cluster helper lives in scripts/ (the benchmarks use it too).
module.exports = require("../../scripts/postgres-cluster.js");
