-- A burst for wrk (Debian package `wrk`, LuaJIT): one thread per student, one connection and one
-- request each, all sent within a window. Started by bench/lib/burst.ts as
--   wrk -t N -c N -d D --timeout 30s -s burst.lua URL -- requests.tsv path startEpochMs windowMs
-- requests.tsv: one line per student, "token<TAB>json body". Each thread opens its connection at
-- once, waits until startEpochMs + a random offset in [0, windowMs) (a shared wall-clock instant, so
-- skew in thread start-up does not widen the window), sends its one request and stops after the
-- response. Latency is wrk's own (C) measure from writing the request to the end of the response.
-- done() prints one line "BURST {json}" with the figures.
local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } likely_timespec;
  int clock_gettime(int clk_id, likely_timespec *tp);
]])
local ts = ffi.new("likely_timespec")
local function now_ms()
  ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME: the same clock as Date.now() in the bench
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if n == id then
      local tab = line:find("\t", 1, true)
      token = line:sub(1, tab - 1)
      body = line:sub(tab + 1)
    end
  end
  if not token then error("burst.lua: no request line " .. id .. " in " .. args[1]) end
  target_path = args[2]
  local start = tonumber(args[3])
  local window = tonumber(args[4])
  math.randomseed(id * 7919 + 17)
  send_at = start + math.random() * window
  sent_at = -1
  status = -1
  waited = false
end

-- Called before the first request: wait for this student's instant.
function delay()
  if waited then return 0 end
  waited = true
  local d = send_at - now_ms()
  if d < 0 then late = 1 return 0 end
  return math.floor(d)
end

function request()
  sent_at = now_ms()
  return wrk.format("POST", target_path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }, body)
end

function response(s, headers, b)
  status = s
  done_at = now_ms()
  wrk.thread:stop()
end

function done(summary, latency, requests)
  local sent, statuses, first, last, late_count, answered = {}, {}, math.huge, -math.huge, 0, 0
  for _, t in ipairs(threads) do
    local s = t:get("sent_at")
    local st = t:get("status")
    if s and s > 0 then
      first = math.min(first, s)
      last = math.max(last, s)
      table.insert(sent, string.format("%.3f", s))
    end
    if t:get("late") then late_count = late_count + 1 end
    if st and st > 0 then
      answered = answered + 1
      statuses[tostring(st)] = (statuses[tostring(st)] or 0) + 1
    end
  end
  local parts = {}
  for k, v in pairs(statuses) do table.insert(parts, string.format('"%s":%d', k, v)) end
  io.write(string.format(
    'BURST {"requests":%d,"answered":%d,"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"sendWindowMs":%.3f,"late":%d,"latencyUs":{"min":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, answered, table.concat(parts, ","),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    (#sent > 0) and (last - first) or -1, late_count,
    latency.min, latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
