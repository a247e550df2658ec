-- wrk script of bench.graphql_queries (class Wrk): COUNT requests, bodies in turn, every answer checked,
-- every request timed by this script.
--
--   wrk -tN -cN -dSs --timeout 60s -H 'name: value' -s bench/wrk_requests.lua URL -- METHOD BODIES COUNT START N
--
-- METHOD: GET or POST.  BODIES: a file with one request body per line (a GET sends none; the file
-- may be empty).  COUNT: answers in all, shared among the N threads.  START: the benchmark's index
-- of the first request, so that a block's bodies go on where the last block's stopped.
--
-- One connection per thread (-t and -c both N, N <= COUNT): a thread's requests and answers then
-- alternate, and the script times each request from just before wrk writes it (request()) to its
-- complete answer (response()).  Not wrk's own latencies: wrk "corrects" those for coordinated
-- omission after the run, adding made-up samples from the run's length, which is wrong for a
-- closed loop of requests and very wrong for a run ended early.  A thread stops after its share
-- and writes "stopped"; when all have, the caller sends SIGINT, which ends wrk's wait for -d.
-- An answer counts as failed unless its status is 200 and its body has no "errors" member.
-- done() writes one JSON line: the wall time from the first request to the last answer, the
-- failures, socket errors and timeouts, and every latency in microseconds.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } wrk_requests_timespec;
int clock_gettime(int clock_id, wrk_requests_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("wrk_requests_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

-- Globals, not locals: done() reads each thread's results through thread:get.
method, bodies, limit, next_body, stride = "GET", {}, 0, 0, 1
latencies, failed, first_start, last_end, started = {}, 0, nil, nil, nil

function init(args)
  method = args[1]
  for line in io.lines(args[2]) do
    bodies[#bodies + 1] = line
  end
  local count, start, n = tonumber(args[3]), tonumber(args[4]), tonumber(args[5])
  limit = math.floor(count / n) + ((index < count % n) and 1 or 0)
  next_body, stride = start + index, n
end

function request()
  local body = nil
  if #bodies > 0 then
    body = bodies[next_body % #bodies + 1]
  end
  next_body = next_body + stride
  local text = wrk.format(method, wrk.path, wrk.headers, body)
  started = now_us()
  first_start = first_start or started
  return text
end

function response(status, headers, body)
  last_end = now_us()
  latencies[#latencies + 1] = last_end - started
  if status ~= 200 or body:find('"errors"', 1, true) then
    failed = failed + 1
  end
  if #latencies == limit then
    wrk.thread:stop()
    io.write("stopped\n")
    io.flush()
  end
end

function done(summary, latency, requests)
  local values, failures, first, last = {}, 0, nil, nil
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
    for _, value in ipairs(thread:get("latencies")) do
      values[#values + 1] = string.format("%.1f", value)
    end
    local s, e = thread:get("first_start"), thread:get("last_end")
    if s and (not first or s < first) then first = s end
    if e and (not last or e > last) then last = e end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"seconds":%.6f,"failed":%d,"socket_errors":%d,"latencies_us":[%s]}\n',
    (first and last) and (last - first) / 1000000 or 0,
    failures,
    errors.connect + errors.read + errors.write + errors.timeout,
    table.concat(values, ",")
  ))
end
