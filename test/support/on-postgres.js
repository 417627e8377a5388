// setupFiles of the `postgres` Jest project: this test file's databases are PostgreSQL ones.
process.env.LIKELY_TEST_DATABASE = "postgres";
