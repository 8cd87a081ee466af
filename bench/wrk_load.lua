-- wrk script for bench/signup.py and bench/clicks.py.
--   wrk ... URL -- get             GET the URL's path
--   wrk ... URL -- signup RUN_ID   POST a sign-up with a new member number every time
--   wrk ... URL -- use RUN_ID      POST the URL's path (a counted use) as a new visitor every
--                                  second request: each visitor clicks twice (a double click)
-- Counts what each thread sent and which statuses came back, and prints one JSON line
-- (prefixed "RESULT ") with throughput, latency percentiles (microseconds) and counts.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local mode, run_id
local body_format = '{"member_id":"%s","name":"Uji Beban","email":"%s@example.ac.id",' ..
  '"programme":"D3 Keperawatan","role":"student","consent":true,"elapsed_ms":9000}'

function init(args)
  mode = args[1] or "get"
  run_id = args[2] or "R"
  sent, ok, client_errors, server_errors, other = 0, 0, 0, 0, 0
end

function request()
  sent = sent + 1
  if mode == "get" then
    return wrk.format("GET")
  end
  if mode == "use" then
    -- a desktop browser's user agent (not on the COUNTER-Robots list), one per visitor
    local visitor = math.floor((sent - 1) / 2)
    local agent = string.format(
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Beban/%s-%d-%d",
      run_id, thread_id, visitor)
    return wrk.format("POST", nil, { ["User-Agent"] = agent }, "")
  end
  -- ASCII letters and digits only, at most 20: run id (<= 6) + "T" + thread + "N" + counter.
  local member_id = string.format("%sT%dN%d", run_id, thread_id, sent)
  local body = string.format(body_format, member_id, string.lower(member_id))
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status >= 400 and status < 500 then
    client_errors = client_errors + 1
  elseif status >= 500 then
    server_errors = server_errors + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = { sent = 0, ok = 0, client_errors = 0, server_errors = 0, other = 0 }
  local visitors = 0
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
    visitors = visitors + math.floor((thread:get("sent") + 1) / 2)
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"duration_us":%d,"requests":%d,"sent":%d,"ok":%d,"client_errors":%d,' ..
    '"server_errors":%d,"other":%d,"socket_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"visitors":%d}\n',
    summary.duration, summary.requests, totals.sent, totals.ok, totals.client_errors,
    totals.server_errors, totals.other, errors.connect + errors.read + errors.write,
    errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, visitors))
end
