#!/usr/bin/env bash
# cli_smoke is called through "${cmd[@]}", which SC2317 does not see.
# shellcheck disable=SC2317
# Checks peers (or any SQS endpoint) with the real clients: boto3, the AWS CLI v1 and
# @aws-sdk/client-sqs each create a queue, send, receive, delete and assert the results.
#
#   .ci/peers/verify.sh [all|moto|localstack|elasticmq ...]   peers started by start.sh (default: all up)
#   .ci/peers/verify.sh http://127.0.0.1:9324                 any endpoint, e.g. the sqsmock server
#
# Exit status: non-zero if any client fails on any endpoint checked.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export NODE_NO_WARNINGS=1 # the SDK warns about Node < 22 for its 2027 releases

# cli_smoke ENDPOINT: the AWS CLI v1 through create / send / receive / delete.
cli_smoke() {
	local ep=$1 name url out rh
	local aws=("$SQSH_PYTHON" -m awscli --endpoint-url "$ep" --output json sqs)
	name=smoke-cli-$RANDOM$RANDOM
	url=$("${aws[@]}" create-queue --queue-name "$name" --query QueueUrl --output text)
	[[ $url == */"$name" ]] || {
		echo "create-queue returned $url"
		return 1
	}
	out=$("${aws[@]}" send-message --queue-url "$url" --message-body 'hello from the CLI' \
		--message-attributes '{"Foo":{"DataType":"String","StringValue":"Bar"}}')
	json_get "$out" MD5OfMessageBody | grep -qx "$(printf '%s' 'hello from the CLI' | md5sum | cut -d' ' -f1)" ||
		{
			echo "send-message MD5OfMessageBody wrong: $out"
			return 1
		}
	json_get "$out" MD5OfMessageAttributes | grep -qx ae7155c6026991b6d54b11589678bf9c ||
		{
			echo "send-message MD5OfMessageAttributes wrong: $out"
			return 1
		}
	out=$("${aws[@]}" receive-message --queue-url "$url" --wait-time-seconds 2 \
		--max-number-of-messages 10 --message-attribute-names All)
	json_get "$out" 'Messages.0.Body' | grep -qx 'hello from the CLI' ||
		{
			echo "receive-message: $out"
			return 1
		}
	json_get "$out" 'Messages.0.MessageAttributes.Foo.StringValue' | grep -qx Bar ||
		{
			echo "receive-message attributes: $out"
			return 1
		}
	rh=$(json_get "$out" 'Messages.0.ReceiptHandle')
	"${aws[@]}" delete-message --queue-url "$url" --receipt-handle "$rh"
	out=$("${aws[@]}" get-queue-attributes --queue-url "$url" \
		--attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible)
	[[ $(json_get "$out" Attributes.ApproximateNumberOfMessages) == 0 &&
	$(json_get "$out" Attributes.ApproximateNumberOfMessagesNotVisible) == 0 ]] ||
		{
			echo "queue not empty after delete-message: $out"
			return 1
		}
	"${aws[@]}" delete-queue --queue-url "$url"
	echo "{\"queue_url\": \"$url\"}"
}

# json_get JSON PATH (dot-separated keys and list indexes)
json_get() {
	python3 -c '
import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1" "$2"
}

targets=("$@")
endpoints=()
if [[ ${#targets[@]} -eq 0 || " ${targets[*]} " == *" all "* ]]; then
	for p in $SQSH_ALL_PEERS; do
		if sqsh_healthy "$p"; then
			endpoints+=("$p=$(sqsh_endpoint "$p")")
		else
			echo "$p: not up; skipped" >&2
		fi
	done
else
	for t in "${targets[@]}"; do
		if [[ $t == http://* || $t == https://* ]]; then
			endpoints+=("$t=$t")
		elif sqsh_is_peer "$t"; then
			endpoints+=("$t=$(sqsh_endpoint "$t")")
		else
			sqsh_die "unknown peer or endpoint '$t'"
		fi
	done
fi
[[ ${#endpoints[@]} -gt 0 ]] || sqsh_die "nothing to verify"

rc=0
for e in "${endpoints[@]}"; do
	label=${e%%=*} ep=${e#*=}
	for client in boto3 awscli node; do
		start=$(sqsh_now)
		case $client in
		boto3) cmd=("$SQSH_PYTHON" "$SQSH_PEERS_DIR/smoke_boto3.py" "$ep") ;;
		awscli) cmd=(cli_smoke "$ep") ;;
		node) cmd=(node "$SQSH_NODE_CLIENT_DIR/smoke.mjs" "$ep") ;;
		esac
		if out=$("${cmd[@]}" 2>&1); then
			echo "$label $client: ok ($(sqsh_elapsed "$start")s) $(tail -n 1 <<<"$out")"
		else
			echo "$label $client: FAILED ($(sqsh_elapsed "$start")s)" >&2
			# shellcheck disable=SC2001 # indent every line
			sed 's/^/    /' <<<"$out" >&2
			rc=1
		fi
	done
done
exit "$rc"
