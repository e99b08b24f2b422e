# shellcheck shell=bash
# The settings are used by the scripts that source this file.
# shellcheck disable=SC2034
# Shared settings and helpers for .ci/peers/*.sh. Sourced, never executed.
#
# Every knob can be overridden from the environment; the defaults are what CI uses.

SQSH_PEERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SQSH_REPO_ROOT=$(cd "$SQSH_PEERS_DIR/../.." && pwd)

# Caches (downloads, virtualenvs, jars) and run state (logs, pidfiles) live outside the repository.
SQSH_CACHE_DIR=${SQSHARNESS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sqsharness}
SQSH_STATE_DIR=${SQSHARNESS_STATE_DIR:-$SQSH_CACHE_DIR/state}

# All peers bind this address and nothing else.
SQSH_HOST=127.0.0.1

SQSH_ALL_PEERS="moto localstack elasticmq"
# Peers that must come up: start.sh/install.sh exit non-zero only when one of these fails.
# The others are still tried and reported.
SQSH_PEERS_EXPECTED=${SQSHARNESS_PEERS_EXPECTED-moto localstack elasticmq}

SQSH_MOTO_PORT=${SQSHARNESS_MOTO_PORT:-5000}
SQSH_LOCALSTACK_PORT=${SQSHARNESS_LOCALSTACK_PORT:-4566}
SQSH_ELASTICMQ_PORT=9325 # fixed in elasticmq/elasticmq.conf (9324 is the sqsmock server's port)

# Python that runs moto, boto3 and the AWS CLI v1 (the machine's default python3).
SQSH_PYTHON=${SQSHARNESS_PYTHON:-python3}
SQSH_MOTO_REQ=${SQSHARNESS_MOTO_REQ:-moto[server]>=5,<6}
SQSH_AWSCLI_REQ='awscli>=1,<2'

# LocalStack: the last release that starts without an account, in its own virtualenv.
# 4.14.0 uses Python 3.13 syntax and stdlib (PEP 695 generics, warnings.deprecated) although its
# metadata says >=3.10, so the venv needs Python >= 3.13 (found on PATH or under pyenv).
SQSH_LOCALSTACK_VERSION=4.14.0
SQSH_LOCALSTACK_VENV=${SQSHARNESS_LOCALSTACK_VENV:-$SQSH_CACHE_DIR/localstack-venv}
# Dependency versions as of the release (newer cbor2 and pyOpenSSL break 4.14.0).
SQSH_LOCALSTACK_CONSTRAINTS=$SQSH_PEERS_DIR/localstack-constraints.txt

SQSH_ELASTICMQ_VERSION=${SQSHARNESS_ELASTICMQ_VERSION:-1.7.1}
SQSH_ELASTICMQ_HOME=$SQSH_CACHE_DIR/elasticmq-$SQSH_ELASTICMQ_VERSION
SQSH_ELASTICMQ_CONF=$SQSH_PEERS_DIR/elasticmq/elasticmq.conf
SQSH_ELASTICMQ_JAVA_OPTS=${SQSHARNESS_ELASTICMQ_JAVA_OPTS:--Xms64m -Xmx512m}

SQSH_NODE_CLIENT_DIR=$SQSH_REPO_ROOT/.ci/clients/node

# Seconds to wait for a peer to answer ListQueues after launching it.
SQSH_START_TIMEOUT=${SQSHARNESS_PEER_START_TIMEOUT:-120}

sqsh_log() { printf '%s\n' "$*" >&2; }
sqsh_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

sqsh_now() { date +%s.%N; }
# sqsh_elapsed START -> seconds since START with one decimal
sqsh_elapsed() { awk -v s="$1" -v e="$(sqsh_now)" 'BEGIN { printf "%.1f", e - s }'; }

sqsh_is_peer() {
	case "$1" in moto | localstack | elasticmq) return 0 ;; *) return 1 ;; esac
}

sqsh_is_expected() {
	local p
	for p in $SQSH_PEERS_EXPECTED; do
		[[ $p == "$1" ]] && return 0
	done
	return 1
}

sqsh_port() {
	case "$1" in
	moto) echo "$SQSH_MOTO_PORT" ;;
	localstack) echo "$SQSH_LOCALSTACK_PORT" ;;
	elasticmq) echo "$SQSH_ELASTICMQ_PORT" ;;
	*) return 1 ;;
	esac
}

sqsh_endpoint() { echo "http://$SQSH_HOST:$(sqsh_port "$1")"; }

sqsh_env_name() {
	case "$1" in
	moto) echo SQSHARNESS_MOTO_ENDPOINT ;;
	localstack) echo SQSHARNESS_LOCALSTACK_ENDPOINT ;;
	elasticmq) echo SQSHARNESS_ELASTICMQ_ENDPOINT ;;
	*) return 1 ;;
	esac
}

# A string that must appear in the command line of a process start.sh launched for the peer
# (guards stop.sh against a recycled pid).
sqsh_cmd_marker() {
	case "$1" in
	moto) echo moto.server ;;
	localstack) echo localstack.runtime.main ;;
	elasticmq) echo org.elasticmq.server.Main ;;
	esac
}

sqsh_pidfile() { echo "$SQSH_STATE_DIR/$1.pid"; }
sqsh_logfile() { echo "$SQSH_STATE_DIR/$1.log"; }

# sqsh_owned_pid PEER -> prints the pid of the process start.sh launched for PEER if it is still alive.
sqsh_owned_pid() {
	local pidfile pid
	pidfile=$(sqsh_pidfile "$1")
	[[ -s $pidfile ]] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(sqsh_cmd_marker "$1")" || return 1
	echo "$pid"
}

# sqsh_sqs_call PORT OPERATION [JSON] -> sets SQSH_CODE (HTTP status, 000 if no answer) and SQSH_BODY.
# A real SQS call with the AWS JSON 1.0 protocol, as current SDKs make it. No peer checks the
# signature; the credential scope tells LocalStack the region.
sqsh_sqs_call() {
	local port=$1 op=$2 body=${3:-'{}'} out
	out=$(mktemp)
	SQSH_CODE=$(curl -sS -o "$out" -w '%{http_code}' --max-time 5 -X POST \
		-H 'Content-Type: application/x-amz-json-1.0' \
		-H "X-Amz-Target: AmazonSQS.$op" \
		-H 'X-Amzn-Query-Mode: true' \
		-H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000' \
		--data "$body" "http://$SQSH_HOST:$port/" 2>/dev/null) || true
	[[ $SQSH_CODE =~ ^[0-9]{3}$ ]] || SQSH_CODE=000
	SQSH_BODY=$(cat "$out")
	rm -f "$out"
}

# sqsh_healthy PEER -> 0 if the peer answers ListQueues with HTTP 200 and a JSON object.
sqsh_healthy() {
	sqsh_sqs_call "$(sqsh_port "$1")" ListQueues '{}'
	[[ $SQSH_CODE == 200 && $SQSH_BODY == '{'* ]]
}

# sqsh_serves_sns PEER -> 0 if the peer answers SNS's ListTopics (Query protocol) with HTTP 200:
# LocalStack must run SNS too (SERVICES=sqs,sns) for the SNS tests.
sqsh_serves_sns() {
	local code
	code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -X POST \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		-H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000' \
		--data 'Action=ListTopics&Version=2010-03-31' "http://$SQSH_HOST:$(sqsh_port "$1")/" 2>/dev/null) || true
	[[ $code == 200 ]]
}

# sqsh_port_open PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT.
sqsh_port_open() {
	(exec 3<>"/dev/tcp/$SQSH_HOST/$1") 2>/dev/null
}

# sqsh_localstack_python -> path of a Python >= 3.13 with a working venv module, or nothing.
sqsh_localstack_python() {
	local c root cands=()
	if [[ -n ${SQSHARNESS_LOCALSTACK_PYTHON:-} ]]; then
		cands+=("$SQSHARNESS_LOCALSTACK_PYTHON")
	fi
	cands+=(python3.13 python3.14)
	if command -v pyenv >/dev/null 2>&1 && root=$(pyenv root 2>/dev/null); then
		for c in "$root"/versions/3.1[3-9]*/bin/python3; do
			[[ -x $c ]] && cands+=("$c")
		done
	fi
	for c in "${cands[@]}"; do
		command -v "$c" >/dev/null 2>&1 || continue
		if "$c" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 13) else 1)' >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

sqsh_sha256() { sha256sum "$@" | awk '{print $1}' | sha256sum | awk '{print $1}'; }
