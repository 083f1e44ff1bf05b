#!/usr/bin/env bash
# The Helm chart and the plain Kubernetes manifests:
#   - helm lint passes on the chart with its default values and with
#     PostgreSQL, several replicas, an ingress and the secrets key;
#   - helm template with the default values gives exactly the committed
#     deploy/k8s/unet.yaml (they never drift apart);
#   - every rendered manifest decodes strictly into the Kubernetes API types
#     and passes the checks of packaging/kubecheck (probes, security context,
#     resources, selectors, one replica on SQLite);
#   - several replicas on SQLite are refused at render time;
#   - the packaging module's manifest tests pass.
# Helm is built from source once (go install into a temporary directory);
# UNET_HELM names an already built helm to use instead.
#
#   scripts/helm_test.sh          check
#   scripts/helm_test.sh update   render deploy/k8s/unet.yaml again
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

mode=${1:-check}
case $mode in
  check | update) ;;
  *)
    echo "usage: $0 [check|update]" >&2
    exit 64
    ;;
esac

tmp=$(mktemp -d /tmp/unet-helm-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

helm=${UNET_HELM:-}
if [ -z "$helm" ]; then
  echo "== building helm"
  if GOBIN="$tmp/bin" go install helm.sh/helm/v4/cmd/helm@v4.3.2 >"$tmp/helm-build.log" 2>&1; then
    :
  else
    cat "$tmp/helm-build.log"
    echo "helm v4 did not build; trying helm v3"
    GOBIN="$tmp/bin" go install helm.sh/helm/v3/cmd/helm@v3.21.4
  fi
  helm=$tmp/bin/helm
fi
"$helm" version

chart=deploy/helm/unet
manifest=deploy/k8s/unet.yaml
header="# μNet on Kubernetes: the Helm chart deploy/helm/unet rendered with its
# default values (release unet, namespace unet) by scripts/helm_test.sh update.
# Do not edit: change the chart and render again; see README.md here."

render_default() {
  printf '%s\n' "$header"
  "$helm" template unet "$chart" --namespace unet
}

# Values beside the defaults: PostgreSQL, three replicas, an ingress with TLS,
# the secrets key, trusted proxies and extra settings of unet.toml.
cat >"$tmp/postgres-values.yaml" <<'EOF'
replicaCount: 3
postgres:
  existingSecret: unet-postgres
secrets:
  existingSecret: unet-keys
  secretsKeyKey: secrets-key
ingress:
  enabled: true
  className: nginx
  tls:
    - secretName: unet-tls
      hosts: [unet.example.com]
trustedProxies: [10.0.0.0/8]
config:
  server:
    max_in_flight: 200
    require_if_match: true
EOF

echo "== helm lint"
"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" -f "$tmp/postgres-values.yaml"

if [ "$mode" = update ]; then
  render_default >"$manifest"
  echo "rendered $manifest"
  exit 0
fi

echo "== helm template: $manifest is the chart's default rendering"
render_default >"$tmp/default.yaml"
if ! diff -u "$manifest" "$tmp/default.yaml"; then
  echo "$manifest differs from the chart's rendering: run scripts/helm_test.sh update and commit it" >&2
  exit 1
fi

echo "== helm template: other values"
"$helm" template unet "$chart" --namespace unet -f "$tmp/postgres-values.yaml" >"$tmp/postgres.yaml"
grep -q 'max_in_flight = 200$' "$tmp/postgres.yaml" || {
  echo "an integer setting of config is not rendered as an integer" >&2
  exit 1
}
"$helm" template unet "$chart" --namespace unet --set persistence.enabled=false --set podDisruptionBudget.enabled=false \
  --set serviceAccount.create=false >"$tmp/ephemeral.yaml"
"$helm" template other "$chart" --namespace tools --set persistence.existingClaim=unet-data \
  --set image.digest=sha256:0000000000000000000000000000000000000000000000000000000000000000 >"$tmp/existing-claim.yaml"
if "$helm" template unet "$chart" --set replicaCount=2 >"$tmp/refused.yaml" 2>"$tmp/refused.err"; then
  echo "two replicas on SQLite were rendered; the chart must refuse them" >&2
  exit 1
fi
grep -q 'needs PostgreSQL' "$tmp/refused.err"

echo "== strict decoding and checks of every rendering"
(cd packaging && go build -o "$tmp/bin/unet-kubecheck" ./cmd/unet-kubecheck)
for f in "$manifest" "$tmp/postgres.yaml" "$tmp/ephemeral.yaml"; do
  echo "-- $f"
  "$tmp/bin/unet-kubecheck" "$f"
done
# An existing claim is not in the manifests: the checker must say so.
if "$tmp/bin/unet-kubecheck" "$tmp/existing-claim.yaml" 2>"$tmp/claim.err"; then
  echo "the checker accepted a claim that is not in the manifests" >&2
  exit 1
fi
grep -q 'PersistentVolumeClaim unet-data is not in the manifests' "$tmp/claim.err"

echo "== unet accepts the rendered unet.toml"
# unet serve reads the configuration strictly (an unknown key or a wrong type
# is refused) before it looks for the database: with --no-migrate and no
# database it stops there, saying so. What needs the pod (the listen
# address, the mounted secrets) is moved by environment variables.
go build -o "$tmp/bin/unet" ./cmd/unet
for f in "$manifest" "$tmp/postgres.yaml"; do
  python3 - "$f" "$tmp/unet.toml" <<'EOF'
import sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc.get("kind") == "ConfigMap":
        open(sys.argv[2], "w").write(doc["data"]["unet.toml"])
        break
else:
    sys.exit("no ConfigMap in " + sys.argv[1])
EOF
  status=0
  UNET_LISTEN=127.0.0.1:0 UNET_TOKEN_PEPPER=env:UNET_TEST_PEPPER UNET_TEST_PEPPER=0123456789abcdef0123456789abcdef \
    UNET_DATA_DIR="$tmp/data" \
    "$tmp/bin/unet" serve --config "$tmp/unet.toml" --no-migrate --no-snmp --db "sqlite://$tmp/none/unet.db" \
    2>"$tmp/serve.err" || status=$?
  if [ "$status" = 0 ] || ! grep -q 'no μNet database' "$tmp/serve.err"; then
    cat "$tmp/unet.toml" "$tmp/serve.err"
    echo "unet serve refused the unet.toml of $f (exit $status)" >&2
    exit 1
  fi
  echo "-- $f: unet.toml accepted"
done

echo "== packaging module: manifest tests"
(cd packaging && go test -count=1 ./kubecheck/ ./cmd/unet-kubecheck/)
echo "helm chart and manifests: all checks passed"
