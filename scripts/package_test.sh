#!/usr/bin/env bash
# Packaging test: builds the unet .deb and .rpm from packaging/nfpm.yaml,
# checks the .rpm's metadata and file list, then installs the .deb on this
# machine and takes it through the steps of docs/operations.md, "Installing
# from a package", in the order written there: install, enable and start,
# the first admin and the API, upgrade, remove, purge. The docs promise
# that this script follows them: change both together. Last, the .rpm's
# scriptlets run through rpm -i --nodeps and rpm -e on the same machine.
#
# It changes the machine (a package, a system user, /etc/unet, /var/lib/unet,
# port 127.0.0.1:8080), so it runs as root on Debian, on CI or a throw-away
# machine, and refuses to start where unet is already installed. Whatever
# happens, it removes what it installed before it exits.
#
# Without a running systemd (a container, CI) the service is started the way
# its unit would: the unit's ExecStart, as its User and Group, with no
# capability and no new privileges, in its WorkingDirectory with its UMask
# and a clean environment, after creating its StateDirectory as systemd does.
#
# Environment: UNET_VERSION (default 0.0.0-dev), the version packaged.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh

nfpm=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
module=github.com/unet-dev/unet
version=${UNET_VERSION:-0.0.0-dev}
listen=127.0.0.1:8080
base=http://$listen
unit=/lib/systemd/system/unet.service

fail() {
	echo "package test: $*" >&2
	exit 1
}
step() { echo "== $*"; }

# Nothing from the caller's environment may steer the unet commands below.
while read -r name; do
	unset "$name"
done < <(compgen -e | grep '^UNET_' || true)

[ "$(id -u)" -eq 0 ] || fail "run as root: the test installs, removes and purges the unet package"
for tool in go git dpkg dpkg-deb rpm systemd-analyze systemctl setpriv runuser curl getent; do
	command -v "$tool" >/dev/null || fail "$tool is missing (rpm: apt-get install rpm)"
done
status=$(dpkg-query -W -f '${db:Status-Abbrev}' unet 2>/dev/null || true)
case "$status" in
"" | un*) ;;
*) fail "the unet package is on this machine (dpkg status '$status'): this test would purge it; remove it first (dpkg -P unet)" ;;
esac
if rpm -q unet >/dev/null 2>&1; then
	fail "rpm has unet installed: this test would erase it; remove it first (rpm -e unet)"
fi
for path in /etc/unet /var/lib/unet; do
	[ ! -e "$path" ] || fail "$path exists: this test would delete it"
done
! getent passwd unet >/dev/null || fail "the user unet exists: this test would delete it"
! getent group unet >/dev/null || fail "the group unet exists: this test would delete it"
if curl -s --max-time 2 -o /dev/null "$base/"; then
	fail "something answers on $listen, the packaged listen address; stop it first"
fi
arch=$(dpkg --print-architecture)
case "$arch" in
amd64) rpmarch=x86_64 ;;
arm64) rpmarch=aarch64 ;;
*) fail "no package for architecture $arch (amd64 or arm64)" ;;
esac
[[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.-]+)?$ ]] ||
	fail "UNET_VERSION=$version is not a version such as 1.2.3 or 1.2.3-rc.1"
# The upgrade goes to the next patch version.
upgrade_version=${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.$((BASH_REMATCH[3] + 1))${BASH_REMATCH[4]}
# nfpm writes a pre-release 1.2.3-rc.1 as 1.2.3~rc.1, which sorts first.
pkgversion() { echo "${1/-/\~}"; }

work=$(mktemp -d /tmp/unet-package-test.XXXXXX)
installed=false
server_pid=
systemd_running=false
if [ -d /run/systemd/system ]; then
	systemd_running=true
fi

# run_dpkg ARGS... runs dpkg, waiting up to 5 minutes while another
# package manager holds its lock (dpkg itself fails at once).
run_dpkg() {
	local out rc
	for _ in $(seq 150); do
		rc=0
		out=$(dpkg "$@" 2>&1 </dev/null) || rc=$?
		if [ "$rc" -ne 0 ] && grep -q 'locked by another process' <<<"$out"; then
			sleep 2
			continue
		fi
		printf '%s\n' "$out"
		return "$rc"
	done
	printf '%s\n' "$out" >&2
	return 1
}

cleanup() {
	local rc=$?
	set +e
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid"
		wait "$server_pid"
	fi
	local removed=$installed
	if $installed; then
		if rpm -q unet >/dev/null 2>&1; then
			rpm -e --nodeps unet >/dev/null 2>&1
		fi
		if $systemd_running; then
			systemctl disable --now unet.service >/dev/null 2>&1
		fi
		run_dpkg -P unet >/dev/null 2>&1
		rm -rf /etc/unet /var/lib/unet
		find /etc/systemd/system -path '*.wants/unet.service' -type l -delete 2>/dev/null
		getent passwd unet >/dev/null && userdel unet
		getent group unet >/dev/null && groupdel unet
	fi
	rm -rf "$work"
	if [ "$rc" -ne 0 ] && $removed; then
		echo "package test FAILED (exit $rc); the package, its files and the user unet were removed" >&2
	elif [ "$rc" -ne 0 ]; then
		echo "package test FAILED (exit $rc) before installing anything" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# build VERSION OUT: a static linux binary stamped with VERSION.
build() {
	local commit date
	commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
	date=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath \
		-ldflags "-s -w -X $module/cli.Version=$1 -X $module/cli.Commit=$commit -X $module/cli.Date=$date" \
		-o "$2" ./cmd/unet
}

# package FORMAT VERSION BINARY: the .deb or .rpm of BINARY into $work/out.
package() {
	UNET_VERSION=$2 UNET_ARCH=$arch UNET_BINARY=$3 UNET_COPYRIGHT=$copyright \
		go run "$nfpm" package --config packaging/nfpm.yaml --packager "$1" --target "$work/out/" >/dev/null
}

# expect_same WHAT WANT GOT fails unless GOT is WANT, showing both.
expect_same() {
	if [ "$2" != "$3" ]; then
		printf 'want:\n%s\ngot:\n%s\n' "$2" "$3" >&2
		fail "$1 differs"
	fi
}

# unit_value KEY: the last KEY= of the installed unit.
unit_value() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }

# start_as_unit starts the server as the installed unit would (no systemd).
start_as_unit() {
	local user group workdir umask statedir statemode
	user=$(unit_value User)
	group=$(unit_value Group)
	workdir=$(unit_value WorkingDirectory)
	umask=$(unit_value UMask)
	statedir=/var/lib/$(unit_value StateDirectory)
	statemode=$(unit_value StateDirectoryMode)
	local -a exec_start
	read -r -a exec_start <<<"$(unit_value ExecStart)"
	if [ -z "$user" ] || [ -z "$group" ] || [ -z "$statemode" ] || [ "${#exec_start[@]}" -eq 0 ]; then
		fail "the unit lacks User, Group, StateDirectoryMode or ExecStart"
	fi
	install -d -o "$user" -g "$group" -m "$statemode" "$statedir"
	(
		cd "$workdir"
		umask "$umask"
		exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \
			HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" LOGNAME="$user" \
			setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs \
			--inh-caps=-all --bounding-set=-all -- "${exec_start[@]}"
	) >>"$work/serve.log" 2>&1 &
	server_pid=$!
}

# stop_server stops the server started by start_as_unit; it must exit 0.
stop_server() {
	kill -TERM "$server_pid"
	local rc=0
	wait "$server_pid" || rc=$?
	server_pid=
	[ "$rc" -eq 0 ] || {
		cat "$work/serve.log" >&2
		fail "the server exited $rc on SIGTERM"
	}
}

# wait_ready polls /readyz for up to 60 s.
wait_ready() {
	local body
	for _ in $(seq 120); do
		if body=$(curl -fsS --max-time 2 "$base/readyz" 2>/dev/null) && [[ $body == *'"status":"ok"'* ]]; then
			return 0
		fi
		if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
			cat "$work/serve.log" >&2
			fail "the server exited before /readyz answered"
		fi
		sleep 0.5
	done
	if [ -n "$server_pid" ]; then
		cat "$work/serve.log" >&2
	fi
	fail "/readyz did not answer ok within 60 s"
}

# owner_mode PATH: owner:group mode.
owner_mode() { stat -c '%U:%G %a' "$1"; }

step "build unet $version and $upgrade_version for linux/$arch"
mkdir -p "$work/out" "$work/next"
build "$version" "$work/unet"
build "$upgrade_version" "$work/next/unet"
if [ -f LICENSE ]; then
	copyright=$PWD/LICENSE
else
	copyright=$work/copyright
	cat >"$copyright" <<'EOF'
μNet (unet) — https://github.com/unet-dev/unet

Licensed under the Apache License, Version 2.0 (the "License"); you may not
use this software except in compliance with the License. You may obtain a
copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

On Debian systems, the complete text of the Apache License, Version 2.0 is
in /usr/share/common-licenses/Apache-2.0.

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
License for the specific language governing permissions and limitations
under the License.
EOF
fi

step "package with nfpm ($nfpm)"
package deb "$version" "$work/unet"
package rpm "$version" "$work/unet"
deb=$work/out/unet_$(pkgversion "$version")-1_$arch.deb
rpmfile=$work/out/unet-$(pkgversion "$version")-1.$rpmarch.rpm
if [ ! -f "$deb" ] || [ ! -f "$rpmfile" ]; then
	fail "nfpm made $(ls "$work/out"), not $(basename "$deb") and $(basename "$rpmfile")"
fi
mv "$work/next/unet" "$work/unet-next"
package deb "$upgrade_version" "$work/unet-next"
deb_next=$work/out/unet_$(pkgversion "$upgrade_version")-1_$arch.deb
[ -f "$deb_next" ] || fail "nfpm made no $(basename "$deb_next")"

step "the .rpm: rpm -qip, rpm -qlp"
info=$(rpm -qip "$rpmfile" 2>/dev/null)
for want in "Name        : unet" "Version     : $(pkgversion "$version")" "Release     : 1" \
	"Architecture: $rpmarch" "License     : Apache-2.0" \
	"Summary     : Network source of truth and configuration compliance"; do
	grep -qxF "$want" <<<"$info" || {
		echo "$info" >&2
		fail "rpm -qip lacks the line '$want'"
	}
done
grep -q "^μNet keeps the desired state of a network" <<<"$info" || fail "rpm -qip: no description"
expect_same "rpm -qlp" "/etc/unet
/etc/unet/unet.toml
/usr/bin/unet
/usr/lib/systemd/system/unet.service
/usr/share/doc/unet/copyright" "$(rpm -qlp "$rpmfile" 2>/dev/null)"
expect_same "rpm config files and owners (FILEFLAGS n: noreplace)" "root:unet 0100640 cn /etc/unet/unet.toml" \
	"$(rpm -qp --qf '[%{FILEUSERNAME}:%{FILEGROUPNAME} 0%{FILEMODES:octal} %{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpmfile" 2>/dev/null | grep ' c[^ ]* ')"
scripts=$(rpm -qp --scripts "$rpmfile" 2>/dev/null)
for want in "preinstall scriptlet" "useradd --system" "postinstall scriptlet" "make_key /etc/unet/secrets-key" \
	"preuninstall scriptlet" "postuninstall scriptlet"; do
	grep -qF "$want" <<<"$scripts" || fail "rpm --scripts lacks '$want'"
done

step "the .deb: control fields, conffiles, contents"
expect_same "dpkg-deb -f" "Package: unet
Version: $(pkgversion "$version")-1
Architecture: $arch" "$(dpkg-deb -f "$deb" Package Version Architecture)"
expect_same "conffiles" "/etc/unet/unet.toml" "$(dpkg-deb -I "$deb" conffiles)"
expect_same "dpkg-deb -c (files)" "-rw-r----- root/unet ./etc/unet/unet.toml
-rw-r--r-- root/root ./lib/systemd/system/unet.service
-rwxr-xr-x root/root ./usr/bin/unet
-rw-r--r-- root/root ./usr/share/doc/unet/copyright" \
	"$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $1, $2, $6}' | sort -k3)"

# docs/operations.md, Install.
step "install: dpkg -i $(basename "$deb")"
installed=true
run_dpkg -i "$deb"
uid=$(id -u unet)
expect_same "getent passwd unet" "unet:x:$uid:$(getent group unet | cut -d: -f3):unet server:/var/lib/unet:/usr/sbin/nologin" \
	"$(getent passwd unet)"
[ "$uid" -lt 1000 ] || fail "unet is not a system user (uid $uid)"
expect_same "/etc/unet/unet.toml" "root:unet 640" "$(owner_mode /etc/unet/unet.toml)"
for key in token-pepper secrets-key; do
	expect_same "/etc/unet/$key" "root:unet 640" "$(owner_mode "/etc/unet/$key")"
done
[ "$(base64 -d /etc/unet/secrets-key | wc -c)" -eq 32 ] || fail "the secrets key is not base64 of 32 bytes"
[ "$(base64 -d /etc/unet/token-pepper | wc -c)" -ge 32 ] || fail "the token pepper is shorter than 32 bytes"
if [ "$copyright" = "$work/copyright" ]; then
	grep -q "Apache License, Version 2.0" /usr/share/doc/unet/copyright || fail "copyright: no licence"
else
	cmp -s "$copyright" /usr/share/doc/unet/copyright || fail "copyright is not LICENSE"
fi
[[ $(/usr/bin/unet version -o table) == "unet $version "* ]] || fail "unet version: $(/usr/bin/unet version -o table)"
[ ! -e /var/lib/unet ] || fail "/var/lib/unet exists before the first start (systemd makes it)"
if curl -s --max-time 2 -o /dev/null "$base/"; then
	fail "the install started a server; it must not"
fi

step "the unit: systemd-analyze verify, systemd-analyze security"
verify=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify failed: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"
for want in User=unet Group=unet StateDirectory=unet ConfigurationDirectory=unet ProtectSystem=strict \
	ProtectHome=yes PrivateTmp=yes PrivateDevices=yes NoNewPrivileges=yes CapabilityBoundingSet= \
	"ExecStart=/usr/bin/unet serve --config /etc/unet/unet.toml"; do
	grep -qxF "$want" "$unit" || fail "the unit lacks $want"
done
# The overall exposure, 0 to 100 (systemd-analyze prints it divided by ten).
security=$(systemd-analyze security --offline=true --threshold=25 "$unit" 2>&1) || {
	echo "$security" >&2
	fail "systemd-analyze security rates the unit's exposure above 2.5"
}
grep 'Overall exposure' <<<"$security"

# docs/operations.md, Enable and start.
step "enable and start"
if $systemd_running; then
	systemctl enable --now unet
	systemctl status --no-pager unet
else
	systemctl enable unet
	start_as_unit
fi
[ -L /etc/systemd/system/multi-user.target.wants/unet.service ] || fail "systemctl enable made no link"
wait_ready
curl -fsS "$base/readyz"
echo
expect_same "/var/lib/unet" "unet:unet 750" "$(owner_mode /var/lib/unet)"
expect_same "/var/lib/unet/unet.db" "unet:unet 640" "$(owner_mode /var/lib/unet/unet.db)"

# docs/operations.md, The first admin, and reaching the API. The password
# is given on stdin where the docs read it from the terminal (read, unet login).
step "the first admin, login, API token"
password=$(head -c 24 /dev/urandom | base64)
export UNET_CREDENTIALS=$work/credentials.json
printf '%s\n' "$password" | runuser -u unet -- \
	unet users add admin --role admin --password-stdin --db sqlite:///var/lib/unet/unet.db >/dev/null
printf '%s\n' "$password" | unet login --server http://127.0.0.1:8080 --username admin --password-stdin >/dev/null
expect_same "unet nodes list" "[]" "$(unet nodes list --server http://127.0.0.1:8080)"
rc=0
UNET_CREDENTIALS=$work/none.json unet nodes list --server http://127.0.0.1:8080 >/dev/null 2>&1 || rc=$?
expect_same "exit code without a login" 69 "$rc"
created=$(runuser -u unet -- unet tokens create --user admin --expires 90d --description automation \
	--db sqlite:///var/lib/unet/unet.db --config /etc/unet/unet.toml)
token=$(sed -n 's/^ *"token": "\(unet_[^"]*\)".*/\1/p' <<<"$created")
[ -n "$token" ] || fail "unet tokens create printed no token: $created"
expect_same "GET /api/v1/nodes with the token" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/nodes")"
expect_same "GET /api/v1/nodes without a credential" 401 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/nodes")"

# docs/operations.md, Logs: journalctl where systemd runs; the captured
# output otherwise.
if $systemd_running; then
	journalctl -u unet --no-pager -n 5
else
	grep -q 'msg=serving url=http://127.0.0.1:8080 ui=http://127.0.0.1:8080/ui/ auth_mode=local database=sqlite:///var/lib/unet/unet.db' \
		"$work/serve.log" || fail "the server's log has no serving line: $(cat "$work/serve.log")"
fi

# docs/operations.md, Upgrade: a backup, then the next version over a
# changed configuration.
step "upgrade to $upgrade_version: dpkg -i $(basename "$deb_next")"
runuser -u unet -- unet --db sqlite:///var/lib/unet/unet.db db backup /var/lib/unet/before-upgrade.backup >/dev/null
[ -s /var/lib/unet/before-upgrade.backup ] || fail "no backup written"
sed -i 's/^level = "info"$/level = "debug"/' /etc/unet/unet.toml
echo "# changed on this host" >>/etc/unet/unet.toml
config_before=$(cat /etc/unet/unet.toml)
keys_before=$(cat /etc/unet/token-pepper /etc/unet/secrets-key | sha256sum)
main_pid=
if $systemd_running; then
	main_pid=$(systemctl show -p MainPID --value unet)
fi
run_dpkg -i "$deb_next"
if $systemd_running; then
	[ "$(systemctl show -p MainPID --value unet)" != "$main_pid" ] || fail "the upgrade did not restart the service"
else
	# What the postinst's try-restart does under systemd.
	stop_server
	start_as_unit
fi
wait_ready
expect_same "dpkg version" "$(pkgversion "$upgrade_version")-1" "$(dpkg-query -W -f '${Version}' unet)"
[[ $(/usr/bin/unet version -o table) == "unet $upgrade_version "* ]] || fail "unet version after the upgrade: $(/usr/bin/unet version -o table)"
expect_same "the configuration after the upgrade" "$config_before" "$(cat /etc/unet/unet.toml)"
expect_same "the keys after the upgrade" "$keys_before" "$(cat /etc/unet/token-pepper /etc/unet/secrets-key | sha256sum)"
expect_same "the uid of unet after the upgrade" "$uid" "$(id -u unet)"
expect_same "GET /api/v1/nodes with the token after the upgrade" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/nodes")"
expect_same "unet nodes list after the upgrade" "[]" "$(unet nodes list --server http://127.0.0.1:8080)"

# docs/operations.md, Remove and purge.
step "remove: dpkg -r unet"
if ! $systemd_running; then
	# What the prerm's systemctl stop does under systemd.
	stop_server
fi
run_dpkg -r unet
expect_same "dpkg status after remove" "rc " "$(dpkg-query -W -f '${db:Status-Abbrev}' unet)"
for gone in /usr/bin/unet "$unit" /usr/share/doc/unet/copyright; do
	[ ! -e "$gone" ] || fail "$gone is still there after dpkg -r"
done
expect_same "the configuration after remove" "$config_before" "$(cat /etc/unet/unet.toml)"
expect_same "the keys after remove" "$keys_before" "$(cat /etc/unet/token-pepper /etc/unet/secrets-key | sha256sum)"
[ -s /var/lib/unet/unet.db ] || fail "remove deleted the database"
getent passwd unet >/dev/null || fail "remove deleted the user unet"
if curl -s --max-time 2 -o /dev/null "$base/"; then
	fail "a server still answers after remove"
fi

step "purge: dpkg -P unet"
run_dpkg -P unet
status=$(dpkg-query -W -f '${db:Status-Abbrev}' unet 2>/dev/null || true)
case "$status" in
"" | un*) ;;
*) fail "dpkg still knows unet after purge: '$status'" ;;
esac
for gone in /etc/unet /var/lib/unet /etc/systemd/system/multi-user.target.wants/unet.service; do
	if [ -e "$gone" ] || [ -L "$gone" ]; then
		fail "$gone is still there after dpkg -P"
	fi
done
! getent passwd unet >/dev/null || fail "the user unet is still there after dpkg -P"
! getent group unet >/dev/null || fail "the group unet is still there after dpkg -P"
left=$(
	find /etc /var /usr /srv /opt /run -xdev -uid "$uid" -print 2>/dev/null || true
	find /etc/systemd /lib/systemd /usr/lib/systemd /var/lib/dpkg/info \
		-name 'unet.*' -print 2>/dev/null || true
)
[ -z "$left" ] || fail "left after dpkg -P: $left"
echo "after purge: nothing of unet in /etc, /var, /usr, /srv, /opt or /run, no user or group unet;"
echo "policy keeps only the journal's lines and drop-ins made with systemctl edit (none here)"

# The .rpm's scriptlets, run by rpm on this Debian machine (--nodeps: no
# RPM distribution's packages here): docs/operations.md, Remove and purge,
# says what an erase leaves and how to delete it.
step "the .rpm's scriptlets: rpm -i --nodeps, rpm -e"
rpm -i --nodeps "$rpmfile" 2>&1 | grep -v 'should not be used directly\|assuming you know what you are doing' || true
rpm -q unet >/dev/null || fail "rpm -i did not install unet"
getent passwd unet >/dev/null || fail "the rpm's %pre made no user unet"
expect_same "/etc/unet/unet.toml (rpm)" "root:unet 640" "$(owner_mode /etc/unet/unet.toml)"
for key in token-pepper secrets-key; do
	expect_same "/etc/unet/$key (rpm)" "root:unet 640" "$(owner_mode "/etc/unet/$key")"
done
[ -f /usr/lib/systemd/system/unet.service ] || fail "the rpm installed no unit"
echo "# changed on this host" >>/etc/unet/unet.toml
rpm -e unet 2>&1 | grep -v 'should not be used directly\|assuming you know what you are doing' || true
! rpm -q unet >/dev/null 2>&1 || fail "rpm -e left unet installed"
for gone in /usr/bin/unet /usr/lib/systemd/system/unet.service /etc/unet/unet.toml; do
	[ ! -e "$gone" ] || fail "$gone is still there after rpm -e"
done
for kept in /etc/unet/unet.toml.rpmsave /etc/unet/token-pepper /etc/unet/secrets-key; do
	[ -f "$kept" ] || fail "rpm -e did not keep $kept"
done
getent passwd unet >/dev/null || fail "rpm -e deleted the user unet"
rm -rf /etc/unet /var/lib/unet
userdel unet
if getent group unet >/dev/null; then
	fail "userdel unet left the group unet (the docs say userdel is enough)"
fi
installed=false
echo "package test: ok (.deb and .rpm of unet $version; upgrade to $upgrade_version)"
