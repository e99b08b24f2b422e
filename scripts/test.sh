#!/usr/bin/env bash
# The one test command. It installs and starts the third-party SQS peers (moto, LocalStack,
# ElasticMQ) on 127.0.0.1, idempotently, then vets the code, runs short fuzz runs of the two wire
# decoders, and runs every Go test with the race detector: the engine, the HTTP server through
# the real aws-sdk-go-v2 client, boto3, the AWS CLI and the JavaScript SDK against the server,
# fault injection, and the conformance suite on every backend that is up.
#
# Under CI=true a peer that is missing is a failure; run by hand, tests that need one skip and
# say how to get it.
set -euo pipefail
cd "$(dirname "$0")/.."

.ci/peers/install.sh all
clients/install.sh # the Query-era botocore SQS model for clients/ (boto3 over Query)
.ci/peers/start.sh all
eval "$(.ci/peers/env.sh)"

go vet ./...
fuzztime="${SQSHARNESS_FUZZTIME:-15s}"
go test -run '^$' -fuzz '^FuzzJSONDecode$' -fuzztime "$fuzztime" ./sqsmock/internal/wire/
go test -run '^$' -fuzz '^FuzzQueryDecode$' -fuzztime "$fuzztime" ./sqsmock/internal/wire/
go test -race -count=1 -timeout 25m ./...
