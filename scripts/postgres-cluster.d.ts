export type Cluster = { dir: string; port: number; url: string; stop(): void };
export function findPostgresBin(): string | null;
export function postgresUnavailableReason(): string | null;
export function startCluster(options?: { parent?: string; settings?: string[]; durable?: boolean }): Promise<Cluster>;
export function databaseUrl(clusterUrl: string, name: string): string;
