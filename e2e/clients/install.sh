#!/usr/bin/env bash
# Installs what the real-client tests in e2e/clients/ need besides .ci/peers/install.sh (which brings
# boto3, the AWS CLI v1 and @aws-sdk/client-sqs): the last SQS service model of botocore that
# speaks the Query protocol (botocore 1.31.0, from PyPI), so one test runs boto3 over Query.
# Idempotent: a second run only checks the cache.
#
#   e2e/clients/install.sh    # -> $SQSHARNESS_CACHE_DIR/botocore-query-1.31.0/sqs/2012-11-05/service-2.json
set -euo pipefail

version=1.31.0
cache=${SQSHARNESS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sqsharness}
dest=$cache/botocore-query-$version
python=${SQSHARNESS_PYTHON:-python3}
model=sqs/2012-11-05/service-2.json

if [[ -f $dest/.complete && -f $dest/$model ]]; then
	echo "botocore $version SQS model (Query): already in $dest"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "botocore $version SQS model (Query): pip download botocore==$version"
"$python" -m pip download --disable-pip-version-check --no-input -q --no-deps \
	--only-binary=:all: -d "$tmp" "botocore==$version"
whl=$(find "$tmp" -name "botocore-$version-*.whl" | head -n 1)
[[ -n $whl ]] || {
	echo "botocore $version wheel not found after pip download" >&2
	exit 1
}
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
"$python" - "$whl" "$dest.tmp" <<'PY'
import json, os, sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for name in ("service-2.json", "endpoint-rule-set-1.json", "paginators-1.json"):
        src = "botocore/data/sqs/2012-11-05/" + name
        try:
            data = z.read(src)
        except KeyError:
            continue
        dst = os.path.join(out, "sqs", "2012-11-05", name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
proto = json.load(open(os.path.join(out, "sqs", "2012-11-05", "service-2.json")))["metadata"]["protocol"]
if proto != "query":
    sys.exit(f"botocore SQS model protocol is {proto!r}, want 'query'")
PY
rm -rf "$dest"
mv "$dest.tmp" "$dest"
touch "$dest/.complete"
echo "botocore $version SQS model (Query): installed in $dest"
