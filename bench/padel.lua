-- wrk script of bench/: drives one route and prints one summary line (PADEL_BENCH {json}) at the end.
--
--   wrk ... URL                                      GET URL's path and query
--   wrk ... URL -- post PATH BODY_FILE               POST the JSON body in BODY_FILE to PATH
--   wrk ... URL -- book SLOTS_FILE THREADS           POST /api/bookings/book, each request the next slot
--
-- A SLOTS_FILE line is "TOKEN JSON_BODY": a distinct free court and start each, so every request is
-- a real booking. wrk thread n takes lines n, n + THREADS, n + 2 THREADS … and stops when it has
-- none left (counted as `exhausted`, so the harness can refuse a run that booked too few).

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "get"
  exhausted = 0
  failures = {}  -- HTTP status (400 and above) -> count, to say why requests failed
  if mode == "get" then
    fixed = wrk.format()
  elseif mode == "post" then
    local file = assert(io.open(args[3], "rb"))
    fixed = wrk.format("POST", args[2], {["content-type"] = "application/json"}, file:read("*a"))
    file:close()
  elseif mode == "book" then
    local count, n = tonumber(args[3]), 0
    slots, next_slot = {}, 1
    -- wrk calls request() of its first thread once before the run, to check what it returns: that
    -- call sees the first slot without taking it.
    checking = id == 0
    for line in io.lines(args[2]) do
      if n % count == id then table.insert(slots, line) end
      n = n + 1
    end
  else
    error("unknown mode " .. mode)
  end
end

function request()
  if mode ~= "book" then
    return fixed
  end
  local line = slots[next_slot]
  if line == nil then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/health")
  end
  if checking then
    checking = false
  else
    next_slot = next_slot + 1
  end
  local token, body = line:match("^(%S+) (.*)$")
  return wrk.format("POST", "/api/bookings/book",
    {["authorization"] = "Bearer " .. token, ["content-type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status >= 400 then
    failures[status] = (failures[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local out_of_slots, statuses, by_status = 0, {}, {}
  for _, thread in ipairs(threads) do
    out_of_slots = out_of_slots + (thread:get("exhausted") or 0)
    for status, count in pairs(thread:get("failures") or {}) do
      statuses[status] = (statuses[status] or 0) + count
    end
  end
  for status, count in pairs(statuses) do
    table.insert(by_status, string.format('"%d": %d', status, count))
  end
  -- The latency distribution (µs, to 3 significant digits → requests), so that the rounds of one
  -- route add up to one: its p50 and p99 over every request (wrk.combined).
  local buckets, histogram = {}, {}
  for i = 1, #latency do
    local value, count = latency(i)
    local step = 1
    while value >= 1000 * step do step = step * 10 end
    local bucket = value - value % step
    buckets[bucket] = (buckets[bucket] or 0) + count
  end
  for bucket, count in pairs(buckets) do
    table.insert(histogram, string.format('"%d": %d', bucket, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'PADEL_BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"http_errors": %d, "socket_errors": %d, "timeouts": %d, "exhausted_threads": %d, "statuses": {%s}, ' ..
    '"latency_us": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    errors.status, errors.connect + errors.read + errors.write, errors.timeout, out_of_slots,
    table.concat(by_status, ", "), table.concat(histogram, ", ")))
end
