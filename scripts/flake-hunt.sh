#!/usr/bin/env bash
# flake-hunt.sh [ROUNDS] [PACKAGES...] runs the tests that talk to the peers (LocalStack, moto,
# ElasticMQ) ROUNDS times back to back (default 10), as CI runs them (CI=true, -race), while two
# busy loops keep both cores of this machine loaded, and counts the failed rounds. A slow peer
# must not fail a test: this is how that is checked. The peers are installed and started as
# scripts/test.sh does; each round's output goes to a directory it names.
#
#   scripts/flake-hunt.sh                     # 10 rounds of ./conformance/ ./examples/...
#   scripts/flake-hunt.sh 3 ./harness/        # 3 rounds of another package
#
# Set FLAKE_HUNT_LOAD=0 for rounds without the busy loops.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-10}"
shift || true
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./conformance/ ./examples/...)

.ci/peers/install.sh all >/dev/null
.ci/peers/start.sh all
eval "$(.ci/peers/env.sh)"
export CI=true
# As scripts/test.sh: the evidence test reads the SQS model of the botocore LocalStack installed.
venv="${SQSHARNESS_LOCALSTACK_VENV:-${SQSHARNESS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sqsharness}/localstack-venv}"
SQSHARNESS_SQS_MODEL="$(ls "$venv"/lib/python3*/site-packages/botocore/data/sqs/2012-11-05/service-2.json.gz | head -n 1)"
export SQSHARNESS_SQS_MODEL

out="$(mktemp -d "${TMPDIR:-/tmp}/flake-hunt.XXXXXX")"
hogs=()
stop_hogs() { [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null || true; }
trap stop_hogs EXIT
if [ "${FLAKE_HUNT_LOAD:-1}" != 0 ]; then
  for _ in 1 2; do
    bash -c 'while :; do :; done' &
    hogs+=($!)
  done
fi

go test -race -count=1 -run '^$' "${pkgs[@]}" >/dev/null # build once, outside the rounds
failed=0
for i in $(seq 1 "$rounds"); do
  start=$(date +%s)
  log="$out/round-$i.log"
  if go test -race -count=1 -timeout 20m -parallel 24 "${pkgs[@]}" >"$log" 2>&1; then
    status=pass
  else
    status=FAIL
    failed=$((failed + 1))
  fi
  echo "round $i/$rounds: $status in $(($(date +%s) - start)) s, load $(cut -d' ' -f1 /proc/loadavg)"
  if [ "$status" = FAIL ]; then
    grep -E -- '--- FAIL|^panic|^FAIL' "$log" | head -n 20 | sed 's/^/  /'
  fi
done
echo "flake-hunt: $failed of $rounds rounds failed (${pkgs[*]}; logs in $out)"
[ "$failed" -eq 0 ]
