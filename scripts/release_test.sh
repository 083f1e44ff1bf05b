#!/usr/bin/env bash
# Test of scripts/release.sh: it builds the release twice, into two
# directories, from the commit checked out, and checks that
#   - every artefact of the two runs is byte-identical (reproducibility);
#   - SHA256SUMS verifies (sha256sum -c);
#   - every target was built, each binary is an executable of its platform,
#     and the Linux ones are statically linked (no PT_INTERP, no shared
#     libraries);
#   - the linux/amd64 binary (unpacked from its archive) reports the stamped
#     version and commit;
#   - the SBOM is CycloneDX JSON naming the module and its main requirements;
#   - the Homebrew formula has the URL and checksum of every darwin and linux
#     archive (and passes ruby -c when ruby is installed);
#   - bad versions are refused;
# and that the Windows code vets: GOOS=windows go vet ./... .
# The builds share the Go build cache: the second run only links again.
#
# Usage: scripts/release_test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/toolchain.sh
. "$root/scripts/toolchain.sh"
cd "$root"

module=github.com/unet-dev/unet
version=0.0.0-test.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "release_test: $*" >&2
  exit 1
}
started=$(date +%s)

echo "== bad versions are refused (exit 64)"
for bad in "" 1.2 v1.2.3.4 "1.2.3 rc" latest; do
  set +e
  scripts/release.sh "$bad" "$work/bad" >"$work/bad.log" 2>&1
  code=$?
  set -e
  [ "$code" = 64 ] || { cat "$work/bad.log"; fail "version \"$bad\": exit $code, want 64"; }
  [ ! -e "$work/bad" ] || fail "version \"$bad\" left $work/bad"
done

go build -o "$work/releasetool" ./internal/release/cmd/releasetool

echo "== two release builds of $(git rev-parse --short HEAD)"
scripts/release.sh "$version" "$work/a"
scripts/release.sh "$version" "$work/b" >"$work/b.log" 2>&1 || { cat "$work/b.log"; fail "the second build failed"; }

echo "== reproducibility: every artefact byte for byte"
(cd "$work/a" && find . -type f | LC_ALL=C sort) >"$work/a.list"
(cd "$work/b" && find . -type f | LC_ALL=C sort) >"$work/b.list"
diff "$work/a.list" "$work/b.list" || fail "the two builds made different files"
n=0
while read -r f; do
  cmp "$work/a/$f" "$work/b/$f" || fail "$f differs between two builds of one commit"
  n=$((n + 1))
done <"$work/a.list"
echo "$n files identical"

echo "== SHA256SUMS"
(cd "$work/a" && sha256sum -c SHA256SUMS)
commit=$(git rev-parse HEAD)
for t in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64; do
  ext=.tar.gz
  exe=unet
  [ "$t" = windows_amd64 ] && ext=.zip && exe=unet.exe
  archive=unet_${version}_$t$ext
  grep -q "  $archive\$" "$work/a/SHA256SUMS" || fail "SHA256SUMS does not list $archive"
  echo "== $t: $archive"
  "$work/releasetool" check-binary "$work/a/unet_${version}_$t/$exe" "${t%_*}" "${t#*_}" ||
    fail "$t: not a static executable of its platform"
done
grep -q "  unet_${version}.cdx.json\$" "$work/a/SHA256SUMS" || fail "SHA256SUMS does not list the SBOM"

echo "== the linux/amd64 archive unpacked: unet version"
mkdir "$work/unpacked"
tar -xzf "$work/a/unet_${version}_linux_amd64.tar.gz" -C "$work/unpacked"
dir=$work/unpacked/unet_${version}_linux_amd64
for f in unet LICENSE NOTICE README.md CHANGELOG.md; do
  [ -f "$dir/$f" ] || fail "the archive lacks $f"
done
[ -x "$dir/unet" ] || fail "unet is not executable in the archive"
cmp "$dir/unet" "$work/a/unet_${version}_linux_amd64/unet" || fail "the archived binary differs from the built one"
if [ "$(uname -s)/$(uname -m)" = Linux/x86_64 ]; then
  "$dir/unet" version -o json >"$work/version.json"
  cat "$work/version.json"
  grep -q "\"version\": \"v$version\"" "$work/version.json" || fail "unet version does not report v$version"
  grep -q "\"commit\": \"$commit\"" "$work/version.json" || fail "unet version does not report commit $commit"
  grep -q "\"date\": \"$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd)\"" "$work/version.json" ||
    fail "unet version does not report the commit date"
  "$dir/unet" version -o table | grep -q "^unet v$version (commit $commit, " || fail "unet version -o table"
else
  echo "not on linux/amd64: the binary is not run"
fi

echo "== SBOM"
"$work/releasetool" check-sbom "$work/a/unet_${version}.cdx.json" "$module" \
  modernc.org/sqlite github.com/jackc/pgx/v5 github.com/spf13/cobra github.com/go-git/go-git/v5
echo "CycloneDX JSON naming $module"

echo "== Homebrew formula"
base=https://github.com/unet-dev/unet/releases/download/v$version
"$work/releasetool" check-formula -version "$version" -base-url "$base" -dist "$work/a" "$work/a/unet.rb"
if command -v ruby >/dev/null; then
  ruby -c "$work/a/unet.rb"
else
  echo "ruby is not installed: the formula's syntax is not checked (its URLs and checksums are)"
fi

echo "== GOOS=windows go vet ./..."
# With the release's build flags, so that the packages compiled for the
# windows/amd64 binary are reused.
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 GOFLAGS=-trimpath go vet ./...

echo "release_test: passed in $(($(date +%s) - started)) s"
