# Shared by the load, soak and fault scripts (sourced, not run): builds the release binary, makes a CA
# and serving certificate with the openssl CLI (independent of the code under test), writes a
# configuration that binds to 127.0.0.1 only and never asks the EC2 metadata service, starts
# `dnsguard serve` and samples its memory and file descriptors.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REVIEW="$ROOT/examples/review-pod.json"
LUA_DIR="$ROOT/scripts/reliability"
WORK="$(mktemp -d /tmp/dnsguard-reliability.XXXXXX)"
SERVER_PID=""
HELPER_PIDS=()

reliability_cleanup() {
  for pid in "${HELPER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  sleep 0.3
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap reliability_cleanup EXIT

# Raises the open-file limit for this shell and its children (server and clients).
raise_fd_limit() {
  local want="${1:-65536}"
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  echo "open-file limit: $(ulimit -n)"
}

# The release binary; DNSGUARD_BIN names an already built one (e.g. while another build holds .build).
build_release() {
  if [ -n "${DNSGUARD_BIN:-}" ]; then
    BIN="$DNSGUARD_BIN"
    return
  fi
  (cd "$ROOT" && swift build -c release --static-swift-stdlib --product dnsguard >/dev/null)
  BIN="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)/dnsguard"
}

# make_ca DIR: a P-256 CA in DIR/ca.crt, DIR/ca.key.
make_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=${2:-reliability CA}" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$1/ca.key" -out "$1/ca.crt" 2>/dev/null
}

# issue CA_DIR OUT_DIR CN [clientAuth]: a P-256 certificate for localhost/127.0.0.1 signed by the CA.
issue() {
  local usage="serverAuth"
  [ "${4:-}" = client ] && usage="clientAuth"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$3" \
    -keyout "$2/tls.key" -out "$2/tls.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=%s\n' "$usage" >"$2/ext.cnf"
  openssl x509 -req -in "$2/tls.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial -days 2 \
    -extfile "$2/ext.cnf" -out "$2/tls.crt" 2>/dev/null
  rm -f "$2/tls.csr" "$2/ext.cnf"
}

# write_config FILE CERT KEY [extra tls lines]: loopback only, platform other, metadata never asked.
write_config() {
  cat >"$1" <<YAML
platform: other
server:
  port: ${PORT:-28443}
  metricsPort: ${METRICS_PORT:-29090}
  bindAddress: 127.0.0.1
  shutdownGracePeriod: ${GRACE:-25}
  tls:
    certFile: $2
    keyFile: $3
    reloadInterval: ${RELOAD_INTERVAL:-10}
${4:-}
log:
  level: info
  audit: true
platformDetection:
  imds: false
YAML
}

# start_server CONFIG [extra args]: starts dnsguard with its stdout (audit lines) counted and the last
# lines kept, waits until /readyz answers.
start_server() {
  local config="$1"
  shift
  "$BIN" serve --config "$config" --platform other "$@" \
    > >(awk '{ n++; last[n % 50] = $0 } END { print n > "'"$WORK/audit.count"'"; for (i = n - 49; i <= n; i++) if (i > 0) print last[i % 50] > "'"$WORK/audit.tail"'" }') \
    2>"$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:${METRICS_PORT:-29090}/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "dnsguard did not become ready:" >&2
  cat "$WORK/server.err" >&2
  return 1
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }

# sample PID OUT INTERVAL: "seconds rss_kib fds" lines until PID exits (run it in the background).
sample() {
  local start
  start="$(date +%s)"
  while kill -0 "$1" 2>/dev/null; do
    echo "$(( $(date +%s) - start )) $(rss_kib "$1" 2>/dev/null || echo 0) $(fd_count "$1" 2>/dev/null || echo 0)" >>"$2"
    sleep "$3"
  done
}

metric() { curl -fsS "http://127.0.0.1:${METRICS_PORT:-29090}/metrics" | awk -v name="$1" 'index($0, name) == 1 { s += $NF } END { print s + 0 }'; }

# run_wrk ARGS...: runs wrk with the review-posting script; prints "requests rps p50 p99 socket_errors non2xx".
run_wrk() {
  local out
  out="$(REVIEW_FILE="$REVIEW" wrk "$@" --latency -s "$LUA_DIR/post-review.lua" 2>&1)"
  echo "$out" >>"$WORK/wrk.log"
  local requests rps p50 p99 errors non2xx
  requests="$(echo "$out" | awk '/requests in/ {print $1}')"
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  p50="$(echo "$out" | awk '$1=="50%" {print $2}')"
  p99="$(echo "$out" | awk '$1=="99%" {print $2}')"
  errors="$(echo "$out" | awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}')"
  non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  echo "${requests:-0} ${rps:-0} ${p50:-?} ${p99:-?} ${errors:-0} ${non2xx:-0}"
}
