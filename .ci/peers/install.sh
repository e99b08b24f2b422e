#!/usr/bin/env bash
# The install_* functions are called as "install_$t", which SC2317 does not see.
# shellcheck disable=SC2317
# Installs the third-party SQS peers and the real clients from the package registries, idempotently:
# whatever is already present at the right version is skipped.
#
#   .ci/peers/install.sh [all|moto|localstack|elasticmq|node ...]     (default: all)
#
#   moto       moto[server] 5.x, boto3 and the AWS CLI v1 into $SQSHARNESS_PYTHON (default python3)
#   localstack localstack-core[runtime]==4.14.0 in its own venv ($SQSHARNESS_LOCALSTACK_VENV), Python >= 3.13
#   elasticmq  org.elasticmq:elasticmq-server_3 and its jars from Maven Central into the cache
#   node       @aws-sdk/client-sqs and client-sns into .ci/clients/node/node_modules (npm ci from the lock file)
#
# Exit status: non-zero if an expected peer ($SQSHARNESS_PEERS_EXPECTED) or the node client fails;
# a failure of a peer that is not expected is reported and ignored.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$SQSH_CACHE_DIR" "$SQSH_STATE_DIR"

install_moto() {
	local check
	# moto 5.x with its server extras (flask, flask-cors), boto3, AWS CLI v1.
	check='
import importlib.metadata as md, sys
def major(d):
    return int(md.version(d).split(".")[0])
try:
    ok = major("moto") == 5 and major("awscli") == 1
    for d in ("boto3", "flask", "flask-cors"):
        md.version(d)
except md.PackageNotFoundError:
    ok = False
import moto.server  # noqa: F401  (fails if a dependency is broken)
sys.exit(0 if ok else 1)
'
	if (cd / && "$SQSH_PYTHON" -c "$check") >/dev/null 2>&1; then
		echo "moto: already installed ($(moto_versions))"
		return 0
	fi
	echo "moto: installing $SQSH_MOTO_REQ boto3 $SQSH_AWSCLI_REQ with $("$SQSH_PYTHON" --version 2>&1)"
	"$SQSH_PYTHON" -m pip install --disable-pip-version-check --no-input -q \
		"$SQSH_MOTO_REQ" boto3 "$SQSH_AWSCLI_REQ"
	if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
	(cd / && "$SQSH_PYTHON" -c "$check") || {
		echo "moto: installed but the check failed" >&2
		return 1
	}
	echo "moto: installed ($(moto_versions))"
}

moto_versions() {
	(cd / && "$SQSH_PYTHON" -c '
import importlib.metadata as md
print(" ".join(f"{d} {md.version(d)}" for d in ("moto", "boto3", "awscli")))')
}

install_localstack() {
	local venv=$SQSH_LOCALSTACK_VENV stamp want py
	stamp=$venv/.sqsharness-stamp
	want="localstack-core==$SQSH_LOCALSTACK_VERSION constraints=$(sqsh_sha256 "$SQSH_LOCALSTACK_CONSTRAINTS")"
	rm -f "$SQSH_CACHE_DIR/localstack.unavailable"
	if [[ -x $venv/bin/python && -f $stamp && "$(<"$stamp")" == "$want" ]] &&
		(cd / && "$venv/bin/python" -c 'import localstack.aws.components, localstack.services.sqs.provider') >/dev/null 2>&1; then
		echo "localstack: already installed (localstack-core $SQSH_LOCALSTACK_VERSION, $("$venv/bin/python" --version) in $venv)"
		return 0
	fi
	if ! py=$(sqsh_localstack_python); then
		local why="no Python >= 3.13 found (tried \$SQSHARNESS_LOCALSTACK_PYTHON, python3.13, python3.14, pyenv versions 3.13+); localstack-core 4.14.0 needs 3.13 (PEP 695 generics, warnings.deprecated)"
		echo "$why" >"$SQSH_CACHE_DIR/localstack.unavailable"
		echo "localstack: UNAVAILABLE: $why" >&2
		return 1
	fi
	echo "localstack: installing localstack-core[runtime]==$SQSH_LOCALSTACK_VERSION into $venv with $py ($("$py" --version 2>&1))"
	rm -rf "$venv"
	"$py" -m venv "$venv"
	"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q \
		-c "$SQSH_LOCALSTACK_CONSTRAINTS" "localstack-core[runtime]==$SQSH_LOCALSTACK_VERSION"
	(cd / && "$venv/bin/python" -c 'import localstack.aws.components, localstack.services.sqs.provider') || {
		echo "localstack: installed but its SQS provider does not import" >&2
		return 1
	}
	echo "$want" >"$stamp"
	echo "localstack: installed"
}

install_elasticmq() {
	local home=$SQSH_ELASTICMQ_HOME tmp
	if [[ -f $home/.complete ]] && compgen -G "$home/lib/elasticmq-server_3-$SQSH_ELASTICMQ_VERSION.jar" >/dev/null; then
		echo "elasticmq: already installed ($SQSH_ELASTICMQ_VERSION in $home)"
		return 0
	fi
	command -v java >/dev/null 2>&1 || {
		echo "elasticmq: java not found" >&2
		return 1
	}
	command -v mvn >/dev/null 2>&1 || {
		echo "elasticmq: mvn not found" >&2
		return 1
	}
	echo "elasticmq: resolving org.elasticmq:elasticmq-server_3:$SQSH_ELASTICMQ_VERSION from Maven Central"
	tmp=$home/lib.tmp
	rm -rf "$tmp"
	mkdir -p "$home"
	mvn -B -f "$SQSH_PEERS_DIR/elasticmq/pom.xml" \
		-Delasticmq.version="$SQSH_ELASTICMQ_VERSION" \
		dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
		>"$home/mvn.log" 2>&1 || {
		tail -n 40 "$home/mvn.log" >&2
		return 1
	}
	rm -rf "${home:?}/lib"
	mv "$tmp" "$home/lib"
	touch "$home/.complete"
	echo "elasticmq: installed ($(find "$home/lib" -name '*.jar' | wc -l) jars in $home/lib)"
}

install_node() {
	local dir=$SQSH_NODE_CLIENT_DIR stamp want
	stamp=$dir/node_modules/.sqsharness-lock.sha256
	want=$(sqsh_sha256 "$dir/package-lock.json")
	if [[ -f $stamp && "$(<"$stamp")" == "$want" && -f $dir/node_modules/@aws-sdk/client-sqs/package.json ]]; then
		echo "node: already installed (@aws-sdk/client-sqs $(node -p "require('$dir/node_modules/@aws-sdk/client-sqs/package.json').version"))"
		return 0
	fi
	command -v npm >/dev/null 2>&1 || {
		echo "node: npm not found" >&2
		return 1
	}
	echo "node: npm ci in $dir"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	echo "$want" >"$stamp"
	echo "node: installed (@aws-sdk/client-sqs $(node -p "require('$dir/node_modules/@aws-sdk/client-sqs/package.json').version"))"
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(all)
if [[ " ${targets[*]} " == *" all "* ]]; then
	targets=(moto localstack elasticmq node)
fi

for t in "${targets[@]}"; do
	case "$t" in
	moto | localstack | elasticmq | node) ;;
	*) sqsh_die "unknown target '$t' (want: all moto localstack elasticmq node)" ;;
	esac
done

# The targets are independent (different Python environments, Maven, npm) and mostly wait on the
# network: run them concurrently, each in a background subshell (where set -e stays in force, unlike
# in an `if`), its output collected and printed in order. SQSHARNESS_INSTALL_SERIAL=1 runs one at a time.
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
declare -A pids=() st=()
all_start=$(sqsh_now)
for t in "${targets[@]}"; do
	(
		s=$(sqsh_now)
		"install_$t"
		echo "$t: ok in $(sqsh_elapsed "$s")s"
	) >"$logdir/$t" 2>&1 &
	pids[$t]=$!
	if [[ ${SQSHARNESS_INSTALL_SERIAL:-} == 1 ]]; then
		st[$t]=0
		wait "${pids[$t]}" || st[$t]=$?
	fi
done

rc=0
for t in "${targets[@]}"; do
	if [[ -z ${st[$t]:-} ]]; then
		st[$t]=0
		wait "${pids[$t]}" || st[$t]=$?
	fi
	if ((st[$t] == 0)); then ok=1; else ok=0; fi
	cat "$logdir/$t"
	if ((ok)); then
		:
	elif [[ $t == node ]] || sqsh_is_expected "$t"; then
		echo "$t: FAILED" >&2
		rc=1
	else
		echo "$t: FAILED (not in SQSHARNESS_PEERS_EXPECTED='$SQSH_PEERS_EXPECTED'; ignored)" >&2
	fi
done
echo "install.sh: done in $(sqsh_elapsed "$all_start")s"
exit "$rc"
