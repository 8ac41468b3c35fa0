#!/bin/sh
# Evaluates infra/terraform/variables.tf + locals.tf with Terraform alone (builtin provider only:
# nothing is downloaded, no cloud account or cluster is touched) for two configurations, checks
# the derived values (assert.mjs), and checks that invalid inputs are refused with the intended
# message. Needs terraform >= 1.9 and node.   Usage: sh infra/terraform/tests/locals/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/../../variables.tf" "$here/../../locals.tf" "$here/harness.tf" "$here"/*.tfvars "$work/"
cp -r "$here/probe" "$work/probe"
# The `locals` block of edge.tf (the Worker's bindings), with the KV namespace id stubbed.
sed -n '/^locals {/,/^}/p' "$here/../../edge.tf" \
  | sed 's/cloudflare_workers_kv_namespace\.attune\.id/"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"/' >"$work/edge_locals.tf"
cd "$work"
export TF_IN_AUTOMATION=1 TF_INPUT=0

terraform init -no-color >/dev/null
terraform validate -no-color

for case in in-cluster managed unmanaged-secrets; do
  terraform apply -auto-approve -no-color -var-file="$case.tfvars" -state="$case.tfstate" >"$case.log" 2>&1 \
    || { cat "$case.log"; echo "FAIL apply $case" >&2; exit 1; }
  terraform output -no-color -json -state="$case.tfstate" >"$case.json"
  echo "ok   apply $case"
done
node "$here/assert.mjs" "$work"

# Each line: expected error text | a variable to leave out of in-cluster.tfvars | extra -var
# arguments (a -var value is always a string, so "unset" is written as leaving the line out).
failures=0
while IFS='|' read -r expected omit args; do
  [ -z "$expected" ] && continue
  grep -v "^${omit:-#none#} " in-cluster.tfvars >case.tfvars
  # shellcheck disable=SC2086
  if eval terraform plan -no-color -var-file=case.tfvars $args >neg.log 2>&1; then
    echo "FAIL accepted: ${omit:+without $omit }$args"; failures=$((failures + 1))
  elif tr -s ' \n' ' ' <neg.log | grep -qF "$expected"; then
    echo "ok   refused ($expected): ${omit:+without $omit }$args"
  else
    echo "FAIL refused with another error: $args"; tail -20 neg.log; failures=$((failures + 1))
  fi
done <<'CASES'
the edge (on Cloudflare's network) must reach it over TLS|redis_tls_secret_name|
Set exactly one of edge_config.jwks_url and jwks_inline||-var 'jwks_inline={"keys":[]}'
worker_concurrency must be an integer in 1..256||-var worker_concurrency=300
max_replicas must be an integer >= 1 and >= min_replicas||-var min_replicas=5 -var max_replicas=2
r2_access_key_id is required when model_source is "r2"||-var model_source=r2
encryption_key is required when manage_edge_secrets is true||-var encryption_key=k1:short
edge_config.privacy_period must be day, week or month||-var 'edge_config={jwt_issuer="https://a",jwks_url="https://a/j",privacy_period="year"}'
internal_api_secret must be at least 32 characters||-var internal_api_secret=short
cloudflare_zone_id is required with edge_hostname or edge_route_patterns|cloudflare_zone_id|
Set edge_hostname, or edge_url|edge_hostname|
redis_password (32+ characters of [A-Za-z0-9_-]) is required||-var redis_password=has:colon-and-is-long-enough-0123456789
managed_redis_password is required with managed_redis||-var 'managed_redis={host="r.example.net"}'
storage_pepper (at least 32 characters) is required|storage_pepper|
CASES
[ "$failures" -eq 0 ] || { echo "$failures negative case(s) failed" >&2; exit 1; }
echo "all locals checks passed"
