-- wrk script for one benchmark target (see clinic/benchmark/run.py).
-- Arguments: a file of prepared requests, one per line, tab-separated:
--   method, path, Cookie header (or empty: none sent), X-CSRFToken (or empty),
--   Content-Type (or empty), body
-- the expected status and wrk's thread count. Requests go to the prepared lines in turn,
-- each thread starting on its own share of them; "$client_id" in a body becomes a fresh
-- random UUID per request.
-- Answers with another status are counted, and done() prints one line of JSON.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for value in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, value)
  end
  return fields
end

function init(args)
  prepared = {}
  for line in io.lines(args[1]) do
    local f = split(line)
    local headers = {}
    if f[3] ~= "" then headers["Cookie"] = f[3] end
    if f[4] ~= "" then headers["X-CSRFToken"] = f[4] end
    if f[5] ~= "" then headers["Content-Type"] = f[5] end
    table.insert(prepared, { method = f[1], path = f[2], headers = headers, body = f[6] or "" })
  end
  expected = tonumber(args[2])
  unexpected = 0
  -- Each thread starts on its own share of the lines, so lines used once (fresh inserts)
  -- are not sent twice by two threads.
  local count = tonumber(args[3]) or 1
  position = (id - 1) * math.floor(#prepared / count)
  math.randomseed(os.time() * 1000 + id)
end

local function uuid4()
  local b = {}
  for i = 1, 16 do b[i] = math.random(0, 255) end
  b[7] = 64 + b[7] % 16 -- version 4
  b[9] = 128 + b[9] % 64 -- RFC 4122 variant
  return string.format(
    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", unpack(b))
end

function request()
  local r = prepared[position % #prepared + 1]
  position = position + 1
  local body = nil
  if r.body ~= "" then
    body = r.body:gsub("%$client_id", uuid4())
  end
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "unexpected": %d, "non_2xx_3xx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), wrong, e.status, e.connect, e.read, e.write, e.timeout))
end
