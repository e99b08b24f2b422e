#!/usr/bin/env bash
# Stops the peers that start.sh started (found by their pidfiles in $SQSHARNESS_STATE_DIR), with
# SIGTERM to the whole process group, then SIGKILL after a grace period. Anything else on the ports
# (e.g. a peer someone started by hand) is left alone.
#
#   .ci/peers/stop.sh [all|moto|localstack|elasticmq ...]     (default: all)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

grace=${SQSHARNESS_PEER_STOP_GRACE:-15}

peers=("$@")
[[ ${#peers[@]} -eq 0 ]] && peers=(all)
if [[ " ${peers[*]} " == *" all "* ]]; then
	read -r -a peers <<<"$SQSH_ALL_PEERS"
fi

rc=0
for p in "${peers[@]}"; do
	sqsh_is_peer "$p" || sqsh_die "unknown peer '$p' (want: all $SQSH_ALL_PEERS)"
	pidfile=$(sqsh_pidfile "$p")
	if ! pid=$(sqsh_owned_pid "$p"); then
		rm -f "$pidfile"
		if sqsh_port_open "$(sqsh_port "$p")"; then
			echo "$p: not started by start.sh (something else listens on $(sqsh_endpoint "$p")); left alone"
		else
			echo "$p: not running"
		fi
		continue
	fi
	# start.sh runs each peer as the leader of its own session and process group.
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 $((grace * 4))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		sleep 0.5
	fi
	if kill -0 "$pid" 2>/dev/null; then
		echo "$p: pid $pid did not stop" >&2
		rc=1
	else
		rm -f "$pidfile"
		echo "$p: stopped (pid $pid)"
	fi
done
exit "$rc"
