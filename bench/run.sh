#!/usr/bin/env bash
# HTTP load benchmarks: the sqsmock server (the program `go run ./cmd/sqsmock` runs, built once),
# the floor (a minimal net/http server answering SendMessage: `sqsbench -floor`) and, for
# comparison, the peers that answer on this machine (ElasticMQ, LocalStack, moto; start them with
# .ci/peers/start.sh), all driven by the same client, cmd/sqsbench (aws-sdk-go-v2). Every run also
# reports the server's CPU time per request, read from /proc for the server process and its
# children (the ones this script starts, or the process listening on the peer's port): unlike
# throughput, it holds when the client and other work share the cores. JVM peers (ElasticMQ) get an
# unmeasured warm-up (60 s) before their first run. Everything stays on 127.0.0.1, and every run is
# bounded in time.
#
#   bench/run.sh                                   # everything, markdown rows on stdout
#   BENCH_TARGETS="sqsmock elasticmq" BENCH_DURATION=2s BENCH_CONCURRENCY="1 16" bench/run.sh
#   BENCH_OPS=send BENCH_CONCURRENCY=16 BENCH_DURATION=25s BENCH_LONGPOLL_ROUNDS=0 bench/run.sh  # CPU/request
#
# Knobs: BENCH_TARGETS (sqsmock floor elasticmq localstack moto; the floor answers only send),
# BENCH_OPS (send send-batch receive receive-batch delete delete-batch), BENCH_CONCURRENCY (1 16 256),
# BENCH_DURATION (3s, at most 60s per run), BENCH_TIMEOUT (5s per request: a run ends within
# BENCH_DURATION + BENCH_TIMEOUT), BENCH_SIZE (100 bytes), BENCH_LONGPOLL_ROUNDS (20, within 5 s; 0
# skips the long-poll test), BENCH_IDLE (2s: how long each run watches the server without load before
# and after, to show CPU it spends on other clients), BENCH_JVM_TARGETS (elasticmq) and BENCH_JVM_WARMUP (60s;
# 0s for none), BENCH_OUT (a JSON-lines file with every report; default bench/results/latest.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=${BENCH_TARGETS:-sqsmock floor elasticmq localstack moto}
ops=${BENCH_OPS:-send send-batch receive receive-batch delete delete-batch}
concurrency=${BENCH_CONCURRENCY:-1 16 256}
duration=${BENCH_DURATION:-3s}
size=${BENCH_SIZE:-100}
rounds=${BENCH_LONGPOLL_ROUNDS:-20}
timeout=${BENCH_TIMEOUT:-5s} # per request; a run lasts at most BENCH_DURATION + this
out=${BENCH_OUT:-bench/results/latest.jsonl}
idle=${BENCH_IDLE:-2s}
jvm_targets=${BENCH_JVM_TARGETS:-elasticmq}
jvm_warmup=${BENCH_JVM_WARMUP:-60s}

secs=${duration%s}
if ! [[ $duration =~ ^[0-9]+(\.[0-9]+)?s$ ]] || awk -v s="$secs" 'BEGIN { exit !(s > 60) }'; then
	echo "BENCH_DURATION must be seconds (e.g. 3s), at most 60s per run" >&2
	exit 1
fi
if ! [[ $jvm_warmup =~ ^[0-9]+s$ ]] || ((${jvm_warmup%s} > 600)); then
	echo "BENCH_JVM_WARMUP must be whole seconds (e.g. 60s), at most 600s" >&2
	exit 1
fi

bin=$(mktemp -d)
srv_pid=
floor_pid=
cleanup() {
	for p in $srv_pid $floor_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$bin"
}
trap cleanup EXIT
go build -o "$bin/sqsmock" ./cmd/sqsmock
go build -o "$bin/sqsbench" ./cmd/sqsbench

endpoint_of() {
	case $1 in
	sqsmock) echo "$sqsmock_url" ;;
	floor) echo "$floor_url" ;;
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
floor_url=
if [[ " $targets " == *" floor "* ]]; then
	"$bin/sqsbench" -floor 127.0.0.1:0 >"$bin/floor.log" 2>&1 &
	floor_pid=$!
	for _ in $(seq 100); do
		floor_url=$(grep -o 'listening url=[^ ]*' "$bin/floor.log" | sed 's/.*url=//' || true)
		[[ -n $floor_url ]] && break
		sleep 0.1
	done
	[[ -n $floor_url ]] || { cat "$bin/floor.log" >&2; exit 1; }
fi

# pid_of TARGET: the server process whose CPU time is read: the ones started here by their PID,
# a peer as "auto" (sqsbench finds the process listening on the endpoint's port in /proc).
pid_of() {
	case $1 in
	sqsmock) echo "$srv_pid" ;;
	floor) echo "$floor_pid" ;;
	*) echo auto ;;
	esac
}

# The floor answers SendMessage only.
serves() { [[ $1 != floor || $2 == send ]]; }

# warm TARGET: an unmeasured load on a JVM peer before its first run, so that its JIT has compiled
# the request path (ElasticMQ costs several times more CPU per request cold).
warmed=" "
warm() {
	[[ " $jvm_targets " == *" $1 "* && $warmed != *" $1 "* && ${jvm_warmup%s} -gt 0 ]] || return 0
	warmed+="$1 "
	local mix
	mix=$(for o in $ops; do echo "$o"; done | paste -sd, -)
	echo "$1: JVM warm-up, $jvm_warmup of $mix with 16 clients (not measured)" >&2
	"$bin/sqsbench" -endpoint "$(endpoint_of "$1")" -op "$mix" -c 16 -duration "$jvm_warmup" -timeout "$timeout" \
		-format json >/dev/null 2>"$bin/warm.err" || echo "$1: warm-up: $(tail -n 1 "$bin/warm.err")" >&2
}

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

for t in "${up[@]}"; do warm "$t"; done

# One row per run; server CPU is per request answered, over the measured phase only.
row() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r.get("server") or {}
cpu = f"{s['cpu_us_per_request']:.1f} | {s['idle_cpu_pct']:.1f} / {s['idle_after_cpu_pct']:.1f}" if s else " | "
print(f"| {r['label']} | {r['op']} | {r['concurrency']} | {r['ops_per_s']:.0f} | {r['messages_per_s']:.0f} | "
      f"{r['overall']['p50_ms']:.2f} | {r['overall']['p99_ms']:.2f} | {r['errors']} | {r['answered']} | {cpu} |")
PY
}

echo "| target | op | clients | ops/s | msgs/s | p50 ms | p99 ms | errors | answered | server CPU µs/req | idle CPU % before / after |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for op in $ops; do
	for c in $concurrency; do
		for t in "${up[@]}"; do
			serves "$t" "$op" || continue
			ep=$(endpoint_of "$t")
			"$bin/sqsbench" -endpoint "$ep" -label "$t" -op "$op" -c "$c" -duration "$duration" -size "$size" \
				-timeout "$timeout" -server-pid "$(pid_of "$t")" -idle "$idle" -format json >"$bin/r.json" 2>"$bin/err" || true
			# A run in which every operation failed still writes its report (0 ops/s, its errors).
			[[ -s $bin/r.json ]] || { echo "| $t | $op | $c | failed: $(tail -n 1 "$bin/err") | | | | | | | |"; continue; }
			row "$bin/r.json"
			compact "$bin/r.json" >>"$out"
		done
	done
done

[[ $rounds -gt 0 ]] && echo && echo "| target | long-poll wake-up (send -> receive) | rounds | p50 ms | p99 ms | max ms | errors |" &&
	echo "|---|---|---:|---:|---:|---:|---:|"
for t in "${up[@]}"; do
	[[ $rounds -gt 0 && $t != floor ]] || continue
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
[[ $warmed == " " ]] || echo "JVM warm-up before the first run:$warmed($jvm_warmup each, unmeasured)."
echo "Side by side (ops/s, p50/p99 ms), then server CPU per request:"
echo
python3 bench/table.py "$out"
