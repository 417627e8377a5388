/**
 * The API's JSON body reader (src/web/middleware/json-body.ts): the plain request every client
 * sends is read by a few lines of its own, anything else by express.json. Both must take and
 * refuse the same bodies the same way, over real HTTP (raw sockets, so the headers are exactly
 * the ones written here).
 */
import http from "node:http";
import net from "node:net";
import zlib from "node:zlib";
import { PASSWORD, twoCourses } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let server: http.Server;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  await twoCourses(t.db);
  server = http.createServer(t.app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

const credentials = JSON.stringify({ email: "student1@example.edu", password: PASSWORD });

/** POST /api/v1/tokens with these headers and body bytes; the status and parsed JSON answer. */
function post(headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; body: { token?: string; error?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/v1/tokens", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const json = (body: Buffer | string, type = "application/json") => ({ "Content-Type": type, "Content-Length": String(Buffer.byteLength(body)) });

test.each([
  ["application/json", credentials],
  ["application/json; charset=utf-8", credentials],
  ["Application/JSON;Charset=UTF-8", credentials],
  ["application/json", `\n  ${credentials}`],
  ["application/json", "\ufeff" + credentials],
])("Content-Type %j with body %#: the credentials are read and a token is issued", async (type, body) => {
  const res = await post(json(body, type), body);
  expect(res.status).toBe(201);
  expect(res.body.token).toEqual(expect.any(String));
});

test("a body of several TCP segments is read whole", async () => {
  const body = JSON.stringify({ email: "student1@example.edu", password: PASSWORD, padding: "x".repeat(300_000) });
  // The tokens route is strict about its fields, so a parsed body answers 400 naming the extra one.
  const res = await post(json(body), body);
  expect(res.status).toBe(400);
  expect(res.body.error).toMatch(/padding/);
});

test.each([
  ["not JSON", "{email:"],
  ["a number, not an object or list", "123"],
  ["a string", '"hello"'],
  ["truncated", credentials.slice(0, -1)],
])("a body that is %s is 400 'not valid JSON'", async (_what, body) => {
  const res = await post(json(body), body);
  expect(res.status).toBe(400);
  expect(res.body.error).toBe("request body is not valid JSON");
});

test("what the short reader leaves to express.json is refused or taken as before", async () => {
  const big = JSON.stringify({ email: "x".repeat(1024 * 1024) });
  expect(await post(json(big), big)).toEqual({ status: 413, body: { error: "request body too large (limit 1048576 bytes)" } });
  expect((await post(json(credentials, "application/json; charset=latin1"), credentials)).status).toBe(415);
  const gzipped = zlib.gzipSync(credentials);
  expect((await post({ ...json(gzipped), "Content-Encoding": "gzip" }, gzipped)).status).toBe(201);
  // Chunked (no Content-Length), as a streaming client sends it.
  expect((await post({ "Content-Type": "application/json", "Transfer-Encoding": "chunked" }, credentials)).status).toBe(201);
  // Not JSON at all: no body is read, and the route says what it expected.
  const form = "email=student1%40example.edu";
  const res = await post(json(form, "application/x-www-form-urlencoded"), form);
  expect(res.status).toBe(400);
});

test("a client that hangs up halfway through its body does not disturb the server", async () => {
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(`POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email":`);
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on("close", () => resolve());
    socket.on("error", reject);
  });
  await new Promise((r) => setTimeout(r, 50));
  expect((await post(json(credentials), credentials)).status).toBe(201);
});
