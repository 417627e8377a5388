/**
 * The V8 flags `npm start` runs the server with (package.json's "start" script repeats them; a
 * unit test keeps the two equal, and the benches start the server and its bare Express baseline
 * with them).
 *
 * A class's burst of answers keeps hundreds of requests in flight at once. With V8's default young
 * generation (16 MB semi-spaces) their objects outlive two scavenges, are promoted, and the old
 * generation's collection then runs during the burst: 30-56 ms of one burst's 190 ms on the main
 * thread, and a burst that came after a quiet minute cost 540 ms of CPU instead of 360. With 64 MB
 * the burst's garbage dies young (0-2 ms of collection); the young generation grows to that size
 * only under such load.
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"] as const;
