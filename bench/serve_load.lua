-- wrk's side of bench/serve_load.sh and bench/serve_fleet_load.sh.
-- Arguments (after wrk's --): METHOD [TAG]. POSTs are creates with unique
-- names: each wrk thread its own prefix, each wrk process its own TAG. done()
-- prints the totals and percentiles as one line for the scripts' awk:
--   RESULT requests seconds p50_ms p99_ms not_2xx_or_failed
local counter = 0
local threads = {}
function setup(thread)
    thread:set("prefix", "t" .. #threads .. "-")
    table.insert(threads, thread)
end
function init(args)
    method = args[1]
    tag = args[2] or ""
    if method == "POST" then
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
    end
end
function request()
    if method ~= "POST" then
        return wrk.request()
    end
    counter = counter + 1
    local body = string.format('{"service":"create","name":"%s%s%d","key":"k%d"}',
        tag, prefix, counter, counter)
    return wrk.format(nil, nil, nil, body)
end
function done(summary, latency, requests)
    local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
        summary.errors.write + summary.errors.timeout
    io.write(string.format("RESULT %d %.3f %.3f %.3f %d\n", summary.requests,
        summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, bad))
end
