-- wrk script: a phone that already has the page asks again with its ETag.
function init(args)
  etag = os.getenv("BENCH_ETAG")
end

function request()
  return wrk.format("GET", nil, {["If-None-Match"] = etag})
end
