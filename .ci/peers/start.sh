#!/usr/bin/env bash
# The start_* functions are called as "start_$p", which SC2317 does not see.
# shellcheck disable=SC2317
# Starts the third-party SQS peers on 127.0.0.1 in the background and waits until each answers a real
# SQS call (ListQueues, AWS JSON 1.0). Idempotent: a peer that already answers is left alone.
#
#   .ci/peers/start.sh [all|moto|localstack|elasticmq ...]     (default: all)
#
#   moto        http://127.0.0.1:5000   python3 -m moto.server
#   localstack  http://127.0.0.1:4566   localstack-core 4.14.0, host mode, SQS only, AWS-like SQS settings
#   elasticmq   http://127.0.0.1:9325   java org.elasticmq.server.Main with elasticmq/elasticmq.conf
#
# Logs and pidfiles: $SQSHARNESS_STATE_DIR (default ~/.cache/sqsharness/state)/<peer>.{log,pid}.
# Prints one status line per peer. Exit status is non-zero only if a peer listed in
# SQSHARNESS_PEERS_EXPECTED (default "moto localstack elasticmq") is not up at the end.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$SQSH_STATE_DIR"

# launch PEER CMD... : runs CMD in its own session (so stop.sh can end its whole process group),
# detached from this shell, output to the peer's log, pid to the peer's pidfile.
launch() {
	local peer=$1 pidfile logfile
	shift
	pidfile=$(sqsh_pidfile "$peer")
	logfile=$(sqsh_logfile "$peer")
	rm -f "$pidfile"
	{
		echo "=== $(date -u +%FT%TZ) start.sh: $*"
	} >>"$logfile"
	# The child writes its own pid before exec, so the pidfile is right even if setsid had to fork.
	# shellcheck disable=SC2016 # $$ and $@ are for the inner bash
	setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$@" \
		</dev/null >>"$logfile" 2>&1 &
	# wait (briefly) for the pidfile
	for _ in $(seq 1 50); do
		[[ -s $pidfile ]] && return 0
		sleep 0.1
	done
	return 1
}

start_moto() {
	launch moto "$SQSH_PYTHON" -m moto.server -H "$SQSH_HOST" -p "$SQSH_MOTO_PORT"
}

start_localstack() {
	local venv=$SQSH_LOCALSTACK_VENV fsroot=$SQSH_STATE_DIR/localstack-fs
	mkdir -p "$fsroot/tmp"
	# Everything LocalStack would reach outside 127.0.0.1 is switched off or pointed at a closed local port.
	launch localstack env \
		SERVICES=sqs,sns \
		EAGER_SERVICE_LOADING=1 \
		GATEWAY_LISTEN="$SQSH_HOST:$SQSH_LOCALSTACK_PORT" \
		GATEWAY_SERVER=hypercorn \
		LOCALSTACK_HOST="$SQSH_HOST:$SQSH_LOCALSTACK_PORT" \
		SQS_ENDPOINT_STRATEGY=off \
		SQS_DELAY_PURGE_RETRY=1 \
		SQS_DELAY_RECENTLY_DELETED=1 \
		SQS_ENABLE_MESSAGE_RETENTION_PERIOD=1 \
		SQS_DISABLE_CLOUDWATCH_METRICS=1 \
		DNS_ADDRESS=0 \
		DISABLE_EVENTS=1 \
		SKIP_SSL_CERT_DOWNLOAD=1 \
		API_ENDPOINT=http://127.0.0.1:9 \
		ANALYTICS_API=http://127.0.0.1:9 \
		FILESYSTEM_ROOT="$fsroot" \
		TMPDIR="$fsroot/tmp" \
		"$venv/bin/python" -m localstack.runtime.main
}

start_elasticmq() {
	# shellcheck disable=SC2086 # SQSH_ELASTICMQ_JAVA_OPTS is a list of options
	launch elasticmq java $SQSH_ELASTICMQ_JAVA_OPTS \
		-Dconfig.file="$SQSH_ELASTICMQ_CONF" \
		-cp "$SQSH_ELASTICMQ_HOME/lib/*" org.elasticmq.server.Main
}

# stop_failed PEER: ends a peer this script launched that did not come up, so it does not hold the port.
stop_failed() {
	local pid
	pid=$(sqsh_owned_pid "$1") || return 0
	kill -TERM -- "-$pid" 2>/dev/null || true
	sleep 2
	kill -KILL -- "-$pid" 2>/dev/null || true
	rm -f "$(sqsh_pidfile "$1")"
}

# installed PEER -> 0 if install.sh has put the peer in place; else prints why not.
installed() {
	case "$1" in
	moto)
		(cd / && "$SQSH_PYTHON" -c 'import moto.server') >/dev/null 2>&1 ||
			{
				echo "moto[server] not importable by $SQSH_PYTHON; run .ci/peers/install.sh moto"
				return 1
			}
		;;
	localstack)
		if [[ -f $SQSH_CACHE_DIR/localstack.unavailable ]]; then
			cat "$SQSH_CACHE_DIR/localstack.unavailable"
			return 1
		fi
		[[ -x $SQSH_LOCALSTACK_VENV/bin/python && -f $SQSH_LOCALSTACK_VENV/.sqsharness-stamp ]] ||
			{
				echo "no LocalStack venv at $SQSH_LOCALSTACK_VENV; run .ci/peers/install.sh localstack"
				return 1
			}
		;;
	elasticmq)
		command -v java >/dev/null 2>&1 || {
			echo "java not found"
			return 1
		}
		[[ -f $SQSH_ELASTICMQ_HOME/.complete ]] || {
			echo "ElasticMQ jars missing in $SQSH_ELASTICMQ_HOME; run .ci/peers/install.sh elasticmq"
			return 1
		}
		;;
	esac
}

version_of() {
	case "$1" in
	moto) (cd / && "$SQSH_PYTHON" -c 'import importlib.metadata as m; print("moto", m.version("moto"))' 2>/dev/null) || echo moto ;;
	localstack) echo "localstack-core $SQSH_LOCALSTACK_VERSION" ;;
	elasticmq) echo "elasticmq $SQSH_ELASTICMQ_VERSION" ;;
	esac
}

peers=("$@")
[[ ${#peers[@]} -eq 0 ]] && peers=(all)
if [[ " ${peers[*]} " == *" all "* ]]; then
	read -r -a peers <<<"$SQSH_ALL_PEERS"
fi
for p in "${peers[@]}"; do
	sqsh_is_peer "$p" || sqsh_die "unknown peer '$p' (want: all $SQSH_ALL_PEERS)"
done

declare -A status=() started_at=()

# 1. Launch everything that is not already up (in parallel: the JVM and LocalStack start concurrently).
for p in "${peers[@]}"; do
	port=$(sqsh_port "$p")
	if [[ $p == localstack ]] && sqsh_healthy "$p" && ! sqsh_serves_sns "$p" && sqsh_owned_pid "$p" >/dev/null; then
		echo "localstack: running without SNS (started before SERVICES=sqs,sns): restarting it"
		stop_failed "$p"
		sleep 1
	fi
	if sqsh_healthy "$p"; then
		if pid=$(sqsh_owned_pid "$p"); then
			status[$p]="up $(sqsh_endpoint "$p") (already running, pid $pid, $(version_of "$p"))"
		else
			status[$p]="up $(sqsh_endpoint "$p") (already answering; not started by start.sh, left alone)"
		fi
		continue
	fi
	if pid=$(sqsh_owned_pid "$p"); then
		# ours and alive but not answering yet (e.g. a concurrent start.sh): just wait for it below
		started_at[$p]=$(sqsh_now)
		continue
	fi
	if sqsh_port_open "$port"; then
		status[$p]="FAILED: 127.0.0.1:$port is taken by something that does not answer SQS ListQueues"
		continue
	fi
	if ! why=$(installed "$p"); then
		status[$p]="FAILED: not installed: $why"
		continue
	fi
	started_at[$p]=$(sqsh_now)
	if ! "start_$p"; then
		status[$p]="FAILED: could not launch (see $(sqsh_logfile "$p"))"
		unset "started_at[$p]"
	fi
done

# 2. Wait until each launched peer answers, dies, keeps answering with errors, or times out.
deadline=$(($(date +%s) + SQSH_START_TIMEOUT))
declare -A erring_since=()
while :; do
	waiting=0
	for p in "${!started_at[@]}"; do
		[[ -n ${status[$p]:-} ]] && continue
		if sqsh_healthy "$p"; then
			status[$p]="up $(sqsh_endpoint "$p") (started in $(sqsh_elapsed "${started_at[$p]}")s, pid $(sqsh_owned_pid "$p" || echo '?'), $(version_of "$p"), log $(sqsh_logfile "$p"))"
		elif ! sqsh_owned_pid "$p" >/dev/null; then
			status[$p]="FAILED: exited during start-up after $(sqsh_elapsed "${started_at[$p]}")s; last lines of $(sqsh_logfile "$p"):
$(tail -n 15 "$(sqsh_logfile "$p")" | sed 's/^/    /')"
		elif [[ $SQSH_CODE != 000 ]] && ((${erring_since[$p]:=$(date +%s)} + 15 <= $(date +%s))); then
			# it listens, but has answered ListQueues with an error for 15 s: it will not get better
			status[$p]="FAILED: answers ListQueues with HTTP $SQSH_CODE: ${SQSH_BODY:0:300}; last lines of $(sqsh_logfile "$p"):
$(tail -n 8 "$(sqsh_logfile "$p")" | sed 's/^/    /')"
			stop_failed "$p"
		elif (($(date +%s) >= deadline)); then
			status[$p]="FAILED: no answer to ListQueues on $(sqsh_endpoint "$p") within ${SQSH_START_TIMEOUT}s (see $(sqsh_logfile "$p"))"
			stop_failed "$p"
		else
			waiting=1
		fi
	done
	((waiting)) || break
	sleep 0.25
done

# 3. Report.
rc=0
for p in "${peers[@]}"; do
	s=${status[$p]}
	if [[ $s == up* ]]; then
		echo "$p: $s"
	elif sqsh_is_expected "$p"; then
		echo "$p: $s" >&2
		rc=1
	else
		echo "$p: $s (not in SQSHARNESS_PEERS_EXPECTED='$SQSH_PEERS_EXPECTED'; ignored)" >&2
	fi
done
exit "$rc"
