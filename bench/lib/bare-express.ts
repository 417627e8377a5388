/**
 * The baseline for bench/submit-throughput.ts: a bare Express 5 app with one JSON POST endpoint,
 * run as its own process like the real server. Prints "bare express listening on URL".
 * Run alone: node dist/bench/lib/bare-express.js (PORT, default 0 = any free port).
 */
import express from "express";

export function createBareApp(): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "1mb" }));
  // Parses the same body as a submission and answers a small JSON, as the real endpoint does.
  app.post("/echo", (req, res) => {
    const body = req.body as { answers?: Record<string, unknown>; idempotencyKey?: string };
    res.status(201).json({ received: Object.keys(body.answers ?? {}).length, idempotencyKey: body.idempotencyKey ?? null });
  });
  return app;
}

if (require.main === module) {
  const server = createBareApp().listen(Number(process.env.PORT ?? 0), () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    console.log(`bare express listening on http://127.0.0.1:${port}`);
  });
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
}
