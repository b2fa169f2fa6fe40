-- soap.lua - wrk script of bench/run.sh: POSTs one SOAP envelope over and
-- over and checks every answer.
--   wrk ... -s bench/wrk/soap.lua URL -- BODYFILE EXPECT [LIMIT [MARKER]]
-- BODYFILE: the envelope to post; EXPECT: a string every response body must
-- contain (e.g. "<result>42</result>"); LIMIT: a thread stops after that
-- many responses (0 or absent: run for wrk's -d) and then creates the file
-- MARKER.<thread number>, if given (wrk itself still waits for -d or SIGINT:
-- bench/run.sh sends SIGINT once every thread's marker exists).  A response whose status
-- is not 200 counts as non200, a 200 without EXPECT as wrong.  done() prints
--   BENCH requests=N duration_us=N rps=R p50_us=N p99_us=N bad=N non200=N
--         wrong=N sockerr=N bytes_per_resp=N
-- and exits 1 when anything went wrong (bad = non200 + wrong + socket
-- errors), so the run fails instead of reporting the speed of errors.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   local f = assert(io.open(args[1], "rb"))
   local body = f:read("*a")
   f:close()
   expect = args[2]
   limit = tonumber(args[3] or "0")
   marker = args[4]
   non200 = 0
   wrong = 0
   seen = 0
   req = wrk.format("POST", nil, {
      ["Content-Type"] = "text/xml; charset=utf-8",
      ["SOAPAction"] = '""',
   }, body)
end

function request()
   return req
end

function response(status, headers, body)
   seen = seen + 1
   if status ~= 200 then
      non200 = non200 + 1
   elseif not string.find(body, expect, 1, true) then
      wrong = wrong + 1
   end
   if limit > 0 and seen == limit then
      if marker then
         local m = assert(io.open(marker .. "." .. tid, "w"))
         m:close()
      end
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local n2, wr = 0, 0
   for _, t in ipairs(threads) do
      n2 = n2 + t:get("non200")
      wr = wr + t:get("wrong")
   end
   local e = summary.errors
   local sockerr = e.connect + e.read + e.write + e.timeout
   local bad = n2 + wr + sockerr
   local per = 0
   if summary.requests > 0 then per = summary.bytes / summary.requests end
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d bad=%d " ..
      "non200=%d wrong=%d sockerr=%d bytes_per_resp=%d\n",
      summary.requests, summary.duration,
      summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), bad, n2, wr, sockerr, per))
   io.stdout:flush()
   if bad > 0 or summary.requests == 0 then
      os.exit(1)
   end
end
