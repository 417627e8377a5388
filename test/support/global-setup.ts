// Runs once before all suites. Later: builds a migrated template database that suites copy.
export default async function globalSetup(): Promise<void> {}
