-- wrk script: each request is a real registration POST with the CSRF token of one session
-- and a phone number of its own, so every request takes the full path (validation, lock,
-- count, insert, commit, redirect).
local next_thread = 0
function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  counter = 0
  path = os.getenv("BENCH_PATH")
  token = os.getenv("BENCH_TOKEN")
  cookie = os.getenv("BENCH_COOKIE")
  shown_at = os.getenv("BENCH_SHOWN_AT")
end

function request()
  counter = counter + 1
  local phone = string.format("0813%02d%06d", thread_id, counter)
  local body = "csrf_token=" .. token .. "&name=Peserta+Uji+Beban&phone=" .. phone ..
    "&gender=L&occupation=petani&kabupaten=&kim_id=-1&institution=Kantor+Desa&position=Staf&consent=y" ..
    "&nickname=&shown_at=" .. shown_at
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

function done(summary, latency, requests)
  local codes = summary.errors.status
  io.write(string.format("non-2xx/3xx responses: %d\n", codes))
end
