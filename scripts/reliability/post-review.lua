-- wrk script: POSTs the AdmissionReview in $REVIEW_FILE as the API server does (path with
-- ?timeout=10s, JSON content type). With $DELAY_MS set, each connection waits that long between
-- requests, which paces the load below the server's peak (wrk itself has no rate option).
local file = assert(io.open(os.getenv("REVIEW_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "kube-apiserver-admission"
wrk.path = os.getenv("REVIEW_PATH") or "/mutate/pods?timeout=10s"

local pause = tonumber(os.getenv("DELAY_MS") or "0")
if pause > 0 then
  function delay()
    return pause
  end
end
