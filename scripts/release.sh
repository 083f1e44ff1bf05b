#!/usr/bin/env bash
# Build μNet's release artefacts for VERSION from the commit checked out:
#
#   OUT/unet_V_OS_ARCH/unet[.exe]          static binaries (CGO_ENABLED=0) for
#                                          linux amd64/arm64, darwin amd64/arm64
#                                          and windows amd64, with LICENSE,
#                                          NOTICE, README.md and CHANGELOG.md
#   OUT/unet_V_OS_ARCH.tar.gz (.zip)       their archives
#   OUT/unet_V.cdx.json                    CycloneDX SBOM of the linux/amd64 binary
#   OUT/unet.rb                            Homebrew formula (darwin and linux)
#   OUT/SHA256SUMS                         checksums of the archives and the SBOM
#
# V is VERSION without a leading v; the binaries report vV (unet version),
# with the commit hash and the commit time stamped. Everything is a function
# of the commit: binaries built with -trimpath and -buildvcs=false, archives
# with sorted entries owned by 0:0 and dated at the commit time, an SBOM
# without serial number or timestamp. Two runs on one commit (with the same
# Go release, pinned in scripts/toolchain.sh) give byte-identical artefacts;
# scripts/release_test.sh checks it.
#
# Usage: scripts/release.sh VERSION [OUT]        (OUT defaults to dist/)
# Environment:
#   UNET_RELEASE_BASE_URL  where the archives are published, for the formula
#                          (default https://github.com/unet-dev/unet/releases/download/vV)
#   UNET_RELEASE_TARGETS   OS/ARCH list to build (default: all five)
#   UNET_RELEASE_ALLOW_DIRTY=1  build even with uncommitted changes to tracked
#                          files (the artefacts then do not match the commit)
set -euo pipefail
# OUT is relative to the directory the script is called from.
if [ $# -eq 2 ] && [ -n "$2" ] && [ "${2#/}" = "$2" ]; then
  set -- "$1" "$PWD/$2"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/toolchain.sh
. "$root/scripts/toolchain.sh"
cd "$root"

CYCLONEDX_GOMOD=github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0
module=github.com/unet-dev/unet

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: scripts/release.sh VERSION [OUT]" >&2
  exit 64
fi
version=${1#v}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release: version \"$1\": want MAJOR.MINOR.PATCH[-PRERELEASE], with or without a leading v" >&2
  exit 64
fi
tag=v$version
out=${2:-$root/dist}
base_url=${UNET_RELEASE_BASE_URL:-https://github.com/unet-dev/unet/releases/download/$tag}
targets=${UNET_RELEASE_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}

if ! git rev-parse --verify -q HEAD >/dev/null; then
  echo "release: $root is not a Git checkout with a commit" >&2
  exit 1
fi
if [ "${UNET_RELEASE_ALLOW_DIRTY:-}" != 1 ] && [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "release: tracked files have uncommitted changes (UNET_RELEASE_ALLOW_DIRTY=1 builds anyway)" >&2
  git status --short --untracked-files=no >&2
  exit 1
fi
commit=$(git log -1 --format=%H)
epoch=$(git log -1 --format=%ct)
date=$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd)
ldflags="-s -w -X $module/cli.Version=$tag -X $module/cli.Commit=$commit -X $module/cli.Date=$date"

# The tool that writes archives and the formula is built once, for this machine.
tooldir=$(mktemp -d)
trap 'rm -rf "$tooldir"' EXIT
go build -o "$tooldir/releasetool" ./internal/release/cmd/releasetool
releasetool=$tooldir/releasetool

# OUT is replaced: refuse a directory that is not empty and holds no earlier
# release (a mistyped OUT must not delete anything else).
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/SHA256SUMS" ] && [ "$(cd "$out" && pwd)" != "$root/dist" ]; then
  echo "release: $out is not empty and holds no earlier release: give an empty or new directory" >&2
  exit 64
fi
rm -rf "$out"
mkdir -p "$out"
echo "== release $tag of $commit ($date) into $out"
artefacts=()
for target in $targets; do
  goos=${target%/*}
  goarch=${target#*/}
  name=unet_${version}_${goos}_${goarch}
  exe=unet
  [ "$goos" = windows ] && exe=unet.exe
  start=$(date +%s)
  mkdir -p "$out/$name"
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOFLAGS= \
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out/$name/$exe" ./cmd/unet
  cp LICENSE NOTICE README.md CHANGELOG.md "$out/$name/"
  archive=$name.tar.gz
  [ "$goos" = windows ] && archive=$name.zip
  "$releasetool" archive -out "$out/$archive" -dir "$name" -mtime "$epoch" -exe "$exe" \
    "$out/$name/$exe" "$out/$name/LICENSE" "$out/$name/NOTICE" "$out/$name/README.md" "$out/$name/CHANGELOG.md"
  artefacts+=("$archive")
  echo "built $goos/$goarch: $archive ($(($(date +%s) - start)) s)"
done

# The SBOM lists the modules compiled into the linux/amd64 binary, read from
# the build information Go records in it (the other targets differ only by
# platform-specific modules). Serial number and timestamp are left out so that
# it is reproducible.
sbom=unet_${version}.cdx.json
if [ -f "$out/unet_${version}_linux_amd64/unet" ]; then
  GOFLAGS= go run "$CYCLONEDX_GOMOD" bin -json -noserial -notimestamp -version "$tag" \
    -output "$out/$sbom" "$out/unet_${version}_linux_amd64/unet"
  artefacts+=("$sbom")
  echo "built the SBOM: $sbom"
else
  echo "no SBOM: it describes the linux/amd64 binary, which was not built"
fi

# The Homebrew formula needs the darwin and linux archives.
if [[ " $targets " == *" darwin/amd64 "* && " $targets " == *" darwin/arm64 "* &&
  " $targets " == *" linux/amd64 "* && " $targets " == *" linux/arm64 "* ]]; then
  "$releasetool" formula -template packaging/homebrew/unet.rb.tmpl -version "$version" \
    -base-url "$base_url" -dist "$out" -out "$out/unet.rb"
  echo "built the Homebrew formula: unet.rb (archives under $base_url)"
else
  echo "no Homebrew formula: it needs all of linux and darwin amd64/arm64"
fi

(cd "$out" && sha256sum "${artefacts[@]}" >SHA256SUMS)
echo "== release $tag: $(wc -l <"$out/SHA256SUMS") artefacts in SHA256SUMS"
cat "$out/SHA256SUMS"
