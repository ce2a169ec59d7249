-- wrk script: POSTs the AdmissionReview in $REVIEW_FILE as the API server does (path with
-- ?timeout=10s, JSON content type). With $DELAY_MS set (milliseconds, fractions allowed), each
-- connection waits that long between requests, which paces the load below the server's peak (wrk
-- itself has no rate option).
local file = assert(io.open(os.getenv("REVIEW_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "kube-apiserver-admission"
wrk.path = os.getenv("REVIEW_PATH") or "/mutate/pods?timeout=10s"

-- wrk waits whole milliseconds, so a fractional pause is met on average: each wait is rounded up
-- with the probability of the fraction (2.3 ms waits 3 ms three times in ten, 2 ms otherwise).
local pause = tonumber(os.getenv("DELAY_MS") or "0")
if pause > 0 then
  local whole = math.floor(pause)
  local fraction = pause - whole
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  function delay()
    if math.random() < fraction then
      return whole + 1
    end
    return whole
  end
end
