-- wrk script: each connection (run with as many threads as connections) walks the whole
-- registration journey again and again: GET the form, POST a registration with a phone number
-- of its own, GET the page the POST redirects to. The CSRF token, session cookie and signed
-- form time come from one real visit made before the load starts.
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  step, counter, journeys, broken = 0, 0, 0, 0
  form_path = os.getenv("BENCH_FORM")
  post_path = os.getenv("BENCH_POST")
  cookie = os.getenv("BENCH_COOKIE")
  body_format = os.getenv("BENCH_BODY")
  -- One digit per wrk run, so no two runs type the same number.
  run = os.getenv("BENCH_RUN")
  headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}
end

function request()
  if step == 0 then
    return wrk.format("GET", form_path, {["Cookie"] = cookie})
  elseif step == 1 then
    counter = counter + 1
    local phone = string.format("0813%s%02d%05d", run, thread_id, counter)
    return wrk.format("POST", post_path, headers, string.format(body_format, phone))
  end
  return wrk.format("GET", location, {["Cookie"] = cookie})
end

function response(status, response_headers, body)
  if step == 0 then
    step = 1
  elseif step == 1 then
    location = response_headers["Location"] or response_headers["location"]
    if status == 302 and location then
      location = location:gsub("^https?://[^/]+", "")
      step = 2
    else
      broken = broken + 1
      step = 0
    end
  else
    if status == 200 then journeys = journeys + 1 else broken = broken + 1 end
    step = 0
  end
end

function done(summary, latency, requests)
  local total, failed = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("journeys")
    failed = failed + thread:get("broken")
  end
  io.write(string.format("journeys: %d\nbroken: %d\n", total, failed))
end
