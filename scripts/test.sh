#!/usr/bin/env bash
# The one test command. It installs and starts the third-party SQS peers (moto, LocalStack,
# ElasticMQ) on 127.0.0.1, idempotently, then vets the code of every module (the root module,
# e2e and harness/localstackcontainer), runs short fuzz runs of the two wire decoders, of the
# engine behind them and of the filter-pattern matcher, and runs every Go test of every module
# with the race detector: the engine, the HTTP server through the real aws-sdk-go-v2 client, fault
# injection, the conformance suite on every backend that is up, and e2e's tests (boto3, the AWS
# CLI and the JavaScript SDK against the server, the browser tests, the container image).
#
# Under CI=true a peer that is missing is a failure; run by hand, tests that need one skip and
# say how to get it.
set -euo pipefail
cd "$(dirname "$0")/.."

.ci/peers/install.sh all
e2e/clients/install.sh # the Query-era botocore SQS model for e2e/clients/ (boto3 over Query)
# The wire codec's botocore test checks every operation's Query encoding against that model too.
export SQSHARNESS_SQS_QUERY_MODEL="${SQSHARNESS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sqsharness}/botocore-query-1.31.0/sqs/2012-11-05/service-2.json"
# debian_install PKG WHAT installs a Debian package (as root, or with sudo -n) when it is missing.
# Where it cannot be installed (no root, no sudo, no apt-get), the tests that need it skip, or
# fail under CI=true.
debian_install() {
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  echo "$1: installing from Debian's packages"
  if ! apt_log=$({ "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1"; } 2>&1); then
    printf '%s\n' "$apt_log" | tail -n 5 >&2
    echo "$1: not installed; $2 will skip (or fail under CI=true)" >&2
  fi
}
# podman builds the Dockerfile offline for cmd/sqsmock's container image test.
command -v podman >/dev/null 2>&1 || debian_install podman "the container image test"
# chromium is the headless browser of the browser tests (the trace viewer's pages, the server's
# console; e2e/internal/browsertest drives it with chromedp, which needs no chromium-driver).
[ -n "${SQSHARNESS_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ] || debian_install chromium "the browser tests"
.ci/peers/start.sh all
# The conformance evidence test checks every quote of the SQS API reference against the SQS
# service model of the botocore installed with LocalStack (the reference is generated from it).
venv="${SQSHARNESS_LOCALSTACK_VENV:-${SQSHARNESS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sqsharness}/localstack-venv}"
SQSHARNESS_SQS_MODEL="$(ls "$venv"/lib/python3*/site-packages/botocore/data/sqs/2012-11-05/service-2.json.gz | head -n 1)"
export SQSHARNESS_SQS_MODEL
eval "$(.ci/peers/env.sh)"

# The conformance suite writes one JSON file of results per backend here, and the matrix of all of
# them (docs/conformance.md is this file, committed from a run with every peer up).
export SQSHARNESS_RESULTS_DIR="${SQSHARNESS_RESULTS_DIR:-${SQSHARNESS_CACHE_DIR:-$HOME/.cache/sqsharness}/conformance}"
export SQSHARNESS_CONFORMANCE_DOC="${SQSHARNESS_CONFORMANCE_DOC:-$SQSHARNESS_RESULTS_DIR/conformance.md}"
mkdir -p "$SQSHARNESS_RESULTS_DIR"
rm -f "$SQSHARNESS_RESULTS_DIR"/*.json

# The modules: the library (what a user requires), the end-to-end tests (chromedp, podman, the
# clients of other languages) and the Docker-backed LocalStack starter (testcontainers).
modules=(. e2e harness/localstackcontainer)
# The lint and tidy gate, in every module: gofmt, vet, and staticcheck with the checks staticcheck.conf
# selects (dead code, capitalised error strings, deprecated APIs, doc comments, ...). `go run
# pkg@version` pins the version without a require or tool line in go.mod: users of this library
# never download a linter with it, and the build is cached after the first run. v0.8.2 (2026.2.2)
# is the newest the Go proxy serves and supports Go 1.26; bump it deliberately.
for mod in "${modules[@]}"; do
  echo "module $mod: gofmt, go vet, staticcheck, go mod tidy -diff"
  unformatted=$(cd "$mod" && gofmt -l .)
  if [[ -n $unformatted ]]; then
    echo "gofmt: these files of module $mod are not formatted (run gofmt -w):" >&2
    echo "$unformatted" >&2
    exit 1
  fi
  (cd "$mod" && go vet ./... && go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... && go mod tidy -diff)
done
# Fuzz budgets are execution counts, not durations: Go 1.26's fuzz coordinator can report a bare
# "context deadline exceeded" failure when a -fuzztime duration runs out (golang/go#75804, fixed in
# Go 1.27). A count has no deadline to race. 150000 executions take about 15 s each here.
fuzztime="${SQSHARNESS_FUZZTIME:-150000x}"
for target in FuzzJSONDecode FuzzQueryDecode; do
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 2000x -timeout 10m ./sqsmock/internal/wire/
done
# The queue policy parser (sqsmock/internal/iampolicy): about 40000 executions a second here.
go test -run '^$' -fuzz '^FuzzParse$' -fuzztime "$fuzztime" -fuzzminimizetime 2000x -timeout 10m ./sqsmock/internal/iampolicy/
# The engine targets run each input (a script of requests) through the whole mock, so an execution
# costs more: 10000 take about 8 s each here (with the build), keeping all four near a minute.
enginefuzztime="${SQSHARNESS_ENGINE_FUZZTIME:-10000x}"
for target in FuzzEngineJSON FuzzEngineQuery; do
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$enginefuzztime" -fuzzminimizetime 500x -timeout 10m ./sqsmock/
done
# Lambda's filter patterns (internal/eventpattern): parsing and matching never panic, and the
# metamorphic relations hold. 150000 executions take about 10 s here.
patternfuzztime="${SQSHARNESS_PATTERN_FUZZTIME:-150000x}"
go test -run '^$' -fuzz '^FuzzPattern$' -fuzztime "$patternfuzztime" -fuzzminimizetime 2000x -timeout 10m ./internal/eventpattern/
# SNS: filter policies (parse and match never panic; internal/snsfilter) and the Query codec
# (sqsmock/internal/snswire). 100000 executions take about 5 s and 8 s here.
snsfuzztime="${SQSHARNESS_SNS_FUZZTIME:-100000x}"
go test -run '^$' -fuzz '^FuzzParse$' -fuzztime "$snsfuzztime" -fuzzminimizetime 2000x -timeout 10m ./internal/snsfilter/
go test -run '^$' -fuzz '^FuzzDecode$' -fuzztime "$snsfuzztime" -fuzzminimizetime 2000x -timeout 10m ./sqsmock/internal/snswire/
# harness.Fuzz: go test -fuzz drives the fault space over a correct consumer; a plan that fails
# it would be a false positive of the space (or a bug of the mock). Each execution is a whole
# consumer run in a bubble, about 4 ms: 1000 take seconds (the instrumented build, a minute).
exploretime="${SQSHARNESS_EXPLORE_FUZZTIME:-1000x}"
go test -run '^$' -fuzz '^FuzzChargeWorker$' -fuzztime "$exploretime" -fuzzminimizetime 50x -timeout 10m ./harness/
# The engine's behaviour tests again, through the real aws-sdk-go-v2 client against the HTTP server.
SQSMOCK_TEST_TRANSPORT=http go test -race -count=1 ./sqsmock/
go test -race -count=1 -timeout 25m $(go list ./... | grep -vx 'github.com/sqsharness/sqsharness/conformance')
# The conformance suite: every behaviour is a parallel subtest, and on a real backend a test mostly
# waits (visibility timeouts, a 60 s retention test), so many run at once.
go test -race -count=1 -timeout 15m -parallel 24 ./conformance/
# The end-to-end tests (e2e/): the clients of other languages, the browser tests, the container
# image, the module graph of a fresh user module; and the LocalStack container starter.
(cd e2e && go test -race -count=1 -timeout 25m ./...)
(cd harness/localstackcontainer && go test -race -count=1 ./...)
