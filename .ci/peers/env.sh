#!/usr/bin/env bash
# Endpoints of the peers that are up right now (each answers ListQueues), for the test suite:
#   SQSHARNESS_MOTO_ENDPOINT=http://127.0.0.1:5000
#   SQSHARNESS_LOCALSTACK_ENDPOINT=http://127.0.0.1:4566
#   SQSHARNESS_ELASTICMQ_ENDPOINT=http://127.0.0.1:9325
#   SQSHARNESS_PEERS_UP="moto localstack elasticmq"   (the ones that are up)
# A peer that is down gets no variable (and, when sourced, its variable is unset).
#
#   eval "$(.ci/peers/env.sh)"      # prints export lines
#   . .ci/peers/env.sh              # or source it: exports into the current shell
#
# The peers accept any credentials; clients still need some: AWS_ACCESS_KEY_ID=test
# AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 (not set here).

_sqsh_env_lines() (
	set -euo pipefail
	# shellcheck source=lib.sh
	. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
	up=()
	for p in $SQSH_ALL_PEERS; do
		name=$(sqsh_env_name "$p")
		if sqsh_healthy "$p"; then
			echo "export $name=$(sqsh_endpoint "$p")"
			up+=("$p")
		else
			echo "unset $name"
		fi
	done
	echo "export SQSHARNESS_PEERS_UP='${up[*]}'"
)

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
	# sourced: do not change the caller's shell options
	eval "$(_sqsh_env_lines)"
	unset -f _sqsh_env_lines
else
	set -euo pipefail
	_sqsh_env_lines | grep -v '^unset '
fi
