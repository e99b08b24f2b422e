#!/usr/bin/env bash
# bench/scale.sh [SQSMOCK_BINARY]: issue 17's attack figures on one sqsmock binary (default: built
# from this checkout), each on a fresh server on a free loopback port: silent connections under
# `ulimit -n 2048`, SendMessage with the console reading a message's history from a 161k-event
# trace, and the admin side at 20,000 queues. Run it with an older binary for the "before".
# Each server is stopped before the next starts. See bench/scale/main.go for what each measures.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
bin=${1:-}
if [ -z "$bin" ]; then
  go build -o "$tmp/sqsmock" ./cmd/sqsmock
  bin=$tmp/sqsmock
fi
go build -o "$tmp/scale" ./bench/scale

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve LIMIT ARGS...: start the server with that descriptor limit (-: the shell's), wait for /health.
serve() {
  local limit=$1; shift
  p=$(port)
  (if [ "$limit" != - ]; then ulimit -n "$limit"; fi; exec "$bin" -addr "127.0.0.1:$p" -log-level warn "$@") 2>"$tmp/server.log" &
  pid=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$p/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start" >&2; cat "$tmp/server.log" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

serve 2048
"$tmp/scale" -endpoint "http://127.0.0.1:$p" silent -conns "${SCALE_SILENT:-3000}"
grep -c "too many open files" "$tmp/server.log" | sed 's/^/silent: server log lines saying "too many open files": /' || true
stop

serve - -trace 200000
"$tmp/scale" -endpoint "http://127.0.0.1:$p" history -events "${SCALE_EVENTS:-161000}" -pollers 4 -duration "${SCALE_DURATION:-10s}"
stop

serve -
"$tmp/scale" -endpoint "http://127.0.0.1:$p" queues -queues "${SCALE_QUEUES:-20000}"
stop
