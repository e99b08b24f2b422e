#!/usr/bin/env bash
# HTTP load benchmarks: the sqsmock server (the program `go run ./cmd/sqsmock` runs, built once)
# and, for comparison, the peers that answer on this machine (ElasticMQ, LocalStack, moto; start
# them with .ci/peers/start.sh), all driven by the same client, cmd/sqsbench (aws-sdk-go-v2).
# Everything stays on 127.0.0.1, and every run is bounded in time.
#
#   bench/run.sh                                   # everything, markdown rows on stdout
#   BENCH_TARGETS="sqsmock elasticmq" BENCH_DURATION=2s BENCH_CONCURRENCY="1 16" bench/run.sh
#
# Knobs: BENCH_TARGETS (sqsmock elasticmq localstack moto), BENCH_OPS (send send-batch receive
# receive-batch delete delete-batch), BENCH_CONCURRENCY (1 16 256), BENCH_DURATION (3s, at most 10s
# per run), BENCH_TIMEOUT (5s per request: a run ends within BENCH_DURATION + BENCH_TIMEOUT),
# BENCH_SIZE (100 bytes), BENCH_LONGPOLL_ROUNDS (20, within 5 s), BENCH_OUT (a JSON-lines file with
# every report; default bench/results/latest.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=${BENCH_TARGETS:-sqsmock elasticmq localstack moto}
ops=${BENCH_OPS:-send send-batch receive receive-batch delete delete-batch}
concurrency=${BENCH_CONCURRENCY:-1 16 256}
duration=${BENCH_DURATION:-3s}
size=${BENCH_SIZE:-100}
rounds=${BENCH_LONGPOLL_ROUNDS:-20}
timeout=${BENCH_TIMEOUT:-5s} # per request; a run lasts at most BENCH_DURATION + this
out=${BENCH_OUT:-bench/results/latest.jsonl}

secs=${duration%s}
if ! [[ $duration =~ ^[0-9]+(\.[0-9]+)?s$ ]] || awk -v s="$secs" 'BEGIN { exit !(s > 10) }'; then
	echo "BENCH_DURATION must be seconds (e.g. 3s), at most 10s per run" >&2
	exit 1
fi

bin=$(mktemp -d)
srv_pid=
cleanup() {
	[[ -n $srv_pid ]] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$bin"
}
trap cleanup EXIT
go build -o "$bin/sqsmock" ./cmd/sqsmock
go build -o "$bin/sqsbench" ./cmd/sqsbench

endpoint_of() {
	case $1 in
	sqsmock) echo "$sqsmock_url" ;;
	elasticmq) echo "${SQSHARNESS_ELASTICMQ_ENDPOINT:-http://127.0.0.1:9325}" ;;
	localstack) echo "${SQSHARNESS_LOCALSTACK_ENDPOINT:-http://127.0.0.1:4566}" ;;
	moto) echo "${SQSHARNESS_MOTO_ENDPOINT:-http://127.0.0.1:5000}" ;;
	*) echo "unknown target $1" >&2; return 1 ;;
	esac
}

sqsmock_url=
if [[ " $targets " == *" sqsmock "* ]]; then
	"$bin/sqsmock" -addr 127.0.0.1:0 -log-level info 2>"$bin/sqsmock.log" &
	srv_pid=$!
	for _ in $(seq 100); do
		sqsmock_url=$(grep -o 'listening" url=[^ ]*' "$bin/sqsmock.log" | sed 's/.*url=//' || true)
		[[ -n $sqsmock_url ]] && break
		sleep 0.1
	done
	[[ -n $sqsmock_url ]] || { cat "$bin/sqsmock.log" >&2; exit 1; }
fi

# compact FILE: one JSON report on one line.
compact() { python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$1"; }

mkdir -p "$(dirname "$out")"
: >"$out"
up=()
for t in $targets; do
	ep=$(endpoint_of "$t")
	# The peers answer a signed ListQueues; a target that does not is skipped.
	if "$bin/sqsbench" -endpoint "$ep" -op send -count 1 -duration 10s -format json >/dev/null 2>"$bin/probe.err"; then
		up+=("$t")
	else
		echo "$t ($ep): not answering, skipped: $(tail -n 1 "$bin/probe.err")" >&2
	fi
done

echo "| target | op | clients | ops/s | msgs/s | p50 ms | p99 ms | errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for op in $ops; do
	for c in $concurrency; do
		for t in "${up[@]}"; do
			ep=$(endpoint_of "$t")
			"$bin/sqsbench" -endpoint "$ep" -label "$t" -op "$op" -c "$c" -duration "$duration" -size "$size" \
				-timeout "$timeout" -format json >"$bin/r.json" 2>"$bin/err" || true
			# A run in which every operation failed still writes its report (0 ops/s, its errors).
			[[ -s $bin/r.json ]] || { echo "| $t | $op | $c | failed: $(tail -n 1 "$bin/err") | | | | |"; continue; }
			python3 - "$bin/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {r['label']} | {r['op']} | {r['concurrency']} | {r['ops_per_s']:.0f} | {r['messages_per_s']:.0f} | "
      f"{r['overall']['p50_ms']:.2f} | {r['overall']['p99_ms']:.2f} | {r['errors']} |")
PY
			compact "$bin/r.json" >>"$out"
		done
	done
done

echo
echo "| target | long-poll wake-up (send -> receive) | rounds | p50 ms | p99 ms | max ms | errors |"
echo "|---|---|---:|---:|---:|---:|---:|"
for t in "${up[@]}"; do
	ep=$(endpoint_of "$t")
	"$bin/sqsbench" -endpoint "$ep" -label "$t" -op longpoll -rounds "$rounds" -duration 5s -timeout "$timeout" \
		-format json >"$bin/r.json" 2>"$bin/err" || true
	[[ -s $bin/r.json ]] || { echo "| $t | failed: $(tail -n 1 "$bin/err") | | | | | |"; continue; }
	python3 - "$bin/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
o = r["overall"]
print(f"| {r['label']} | WaitTimeSeconds=20, 1 receiver | {o['count']} | {o['p50_ms']:.2f} | {o['p99_ms']:.2f} | {o['max_ms']:.2f} | {r['errors']} |")
PY
	compact "$bin/r.json" >>"$out"
done

echo
echo "Side by side (ops/s, p50/p99 ms):"
echo
python3 bench/table.py "$out"
