#!/usr/bin/env bash
# The container image, built without a container daemon and run from its
# unpacked root file system:
#   - builds a static linux binary of the checkout (as a release does),
#   - builds the image twice with packaging/cmd/unet-image (OCI layout, and a
#     tarball for docker/podman load) and requires the same digest,
#   - unpacks the layer of the layout with tar and runs the binary from the
#     unpacked root: `unet version` shows the stamped version; `unet serve`
#     with the image's own /etc/unet/unet.toml (the paths that need root, the
#     listen address and the token pepper moved by environment variables)
#     reaches /readyz, refuses the API without a credential, and answers with
#     an API token made by `unet users add` / `unet tokens create`.
# The image is not run with podman: on the machines this runs on, podman's
# runtime cannot set the container's resource limits (crun: setrlimit:
# Operation not permitted), so the unpacked root file system is what is run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

for tool in curl python3 tar; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    else
      echo "missing: $tool (apt-get install -y $tool)" >&2
      exit 1
    fi
  fi
done

tmp=$(mktemp -d /tmp/unet-image-test.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

version=${UNET_VERSION:-$(git describe --tags --always 2>/dev/null || echo dev)}
version=${version#v}
commit=$(git rev-parse HEAD)
created=$(git log -1 --format=%cI HEAD)
arch=$(go env GOARCH)

echo "== build unet $version ($commit) for linux/$arch"
CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags "-s -w \
  -X github.com/unet-dev/unet/cli.Version=$version \
  -X github.com/unet-dev/unet/cli.Commit=$commit \
  -X github.com/unet-dev/unet/cli.Date=$created" -o "$tmp/unet" ./cmd/unet
(cd packaging && go build -o "$tmp/unet-image" ./cmd/unet-image)

echo "== build the image twice"
image() {
  "$tmp/unet-image" --binary "$arch=$tmp/unet" --version "$version" --revision "$commit" --created "$created" \
    --tag "localhost/unet:$version" "$@"
}
d1=$(image --layout "$tmp/layout" --tarball "$tmp/unet-image.tar")
d2=$(image --layout "$tmp/layout2")
echo "digest $d1"
if [ "$d1" != "$d2" ] || ! diff -r "$tmp/layout" "$tmp/layout2" >/dev/null; then
  echo "two builds of the same binary differ: $d1 and $d2" >&2
  exit 1
fi
tar -tf "$tmp/unet-image.tar" | grep -qx manifest.json || {
  echo "the tarball has no manifest.json for docker/podman load" >&2
  exit 1
}

# UNET_IMAGE_ARCHES="amd64 arm64" also builds a multi-platform index (the
# cross-compilation takes minutes, so CI builds the host's platform only;
# the packaging tests build an index of small programs).
if [ -n "${UNET_IMAGE_ARCHES:-}" ]; then
  echo "== build an index for: $UNET_IMAGE_ARCHES"
  bins=()
  for a in $UNET_IMAGE_ARCHES; do
    CGO_ENABLED=0 GOOS=linux GOARCH=$a go build -trimpath -ldflags "-s -w \
      -X github.com/unet-dev/unet/cli.Version=$version" -o "$tmp/unet-$a" ./cmd/unet
    bins+=(--binary "$a=$tmp/unet-$a")
  done
  di=$("$tmp/unet-image" "${bins[@]}" --version "$version" --revision "$commit" --created "$created" --layout "$tmp/index")
  python3 - "$tmp/index" "$di" $UNET_IMAGE_ARCHES <<'EOF'
import json, sys
root, digest, arches = sys.argv[1], sys.argv[2], sys.argv[3:]
(desc,) = json.load(open(f"{root}/index.json"))["manifests"]
assert desc["digest"] == digest, (desc, digest)
index = json.load(open(f"{root}/blobs/sha256/{digest.split(':')[1]}"))
got = [m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in index["manifests"]]
assert got == ["linux/" + a for a in arches], got
print("index", digest, " ".join(got))
EOF
fi

echo "== unpack the layer from the OCI layout"
# index.json -> manifest -> its only layer (gzip-compressed tar).
layer=$(python3 - "$tmp/layout" <<'EOF'
import json, sys
root = sys.argv[1]
def blob(d):
    algo, hexd = d.split(":")
    return f"{root}/blobs/{algo}/{hexd}"
index = json.load(open(f"{root}/index.json"))
(desc,) = index["manifests"]
manifest = json.load(open(blob(desc["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
c = config["config"]
assert c["User"] == "65532:65532", c["User"]
assert c["Entrypoint"] == ["/usr/bin/unet"] and c["Cmd"] == ["serve"], (c["Entrypoint"], c["Cmd"])
assert "/var/lib/unet" in c["Volumes"], c.get("Volumes")
(layer,) = manifest["layers"]
print(blob(layer["digest"]))
EOF
)
root=$tmp/root
mkdir "$root"
tar -xzf "$layer" -C "$root" --no-same-owner
ls -l "$root/usr/bin/unet" "$root/etc/unet/unet.toml"
grep -q '^unet:x:65532:65532:' "$root/etc/passwd"

echo "== run the unpacked binary"
got=$("$root/usr/bin/unet" version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
if [ "$got" != "$version" ]; then
  echo "unet version says $got, want $version" >&2
  exit 1
fi
echo "unet version: $got"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$tmp/data
mkdir "$data"
head -c 48 /dev/urandom | base64 >"$tmp/token-pepper"
# The image's configuration file; what needs root or another machine's
# paths comes from the environment instead.
export UNET_CONFIG=$root/etc/unet/unet.toml
export UNET_LISTEN=127.0.0.1:$port
export UNET_DATABASE_URL=sqlite://$data/unet.db
export UNET_DATA_DIR=$data/unet-data
export UNET_TOKEN_PEPPER=file:$tmp/token-pepper
(cd "$data" && exec "$root/usr/bin/unet" serve --no-snmp) >"$tmp/serve.log" 2>&1 &
pid=$!
base=http://127.0.0.1:$port
ready=
for _ in $(seq 1 300); do
  if ! kill -0 "$pid" 2>/dev/null; then
    break
  fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ]; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  cat "$tmp/serve.log"
  echo "unet serve from the unpacked image never answered 200 on /readyz" >&2
  exit 1
fi
echo "/readyz: 200"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/nodes")
if [ "$code" != 401 ]; then
  echo "GET /api/v1/nodes without a credential: $code, want 401 (the image's auth mode is local)" >&2
  exit 1
fi
"$root/usr/bin/unet" users add admin --role admin >/dev/null
token=$("$root/usr/bin/unet" tokens create --user admin -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("token") or d["secret"])')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/nodes")
if [ "$code" != 200 ]; then
  cat "$tmp/serve.log"
  echo "GET /api/v1/nodes with an admin token: $code, want 200" >&2
  exit 1
fi
echo "API with a token: 200"
kill -TERM "$pid"
wait "$pid" || {
  cat "$tmp/serve.log"
  echo "unet serve did not stop cleanly on SIGTERM" >&2
  exit 1
}
pid=
grep -q '"msg":"database closed"' "$tmp/serve.log" || {
  cat "$tmp/serve.log"
  echo "unet serve stopped without closing the database" >&2
  exit 1
}
echo "container image: all checks passed ($d1)"
