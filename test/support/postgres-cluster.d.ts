export * from "../../scripts/postgres-cluster";
