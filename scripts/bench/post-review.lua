-- wrk script: POSTs the AdmissionReview in $REVIEW_FILE as the API server does (path with
-- ?timeout=10s, JSON content type, its User-Agent) and counts answers that are not 200.
local file = assert(io.open(os.getenv("REVIEW_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, */*"
wrk.headers["User-Agent"] = "kube-apiserver-admission"
wrk.path = os.getenv("REVIEW_PATH") or "/mutate/pods?timeout=10s"
