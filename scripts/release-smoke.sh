#!/usr/bin/env bash
# Checks what `make release` built, as a user would use it: the checksums
# verify; each archive unpacks to a static binary for its architecture that
# prints its version (with the embedded commit, date and Go version), and
# serves /healthz from a fresh data folder. A foreign architecture runs under
# Debian's qemu-user-static (qemu-aarch64-static for linux/arm64).
set -euo pipefail
cd "$(dirname "$0")/.."

GO="${GO:-go}"
DIST="${DIST:-dist}"
MIN_GO=go1.27.3
want_go="${WANT_GO:-$("$GO" env GOVERSION)}"

fail() { echo "release-smoke: $*" >&2; exit 1; }

[ -s "$DIST/SHA256SUMS" ] || fail "no $DIST/SHA256SUMS: run make release first"
(cd "$DIST" && sha256sum --check --strict SHA256SUMS) || fail "checksums do not match"

# go1.27.3 or newer.
[ "$(printf '%s\n%s\n' "$MIN_GO" "$want_go" | sort -V | head -1)" = "$MIN_GO" ] ||
	fail "the release was checked against $want_go, older than $MIN_GO"

work=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

host=$(uname -m)
checked=0
for archive in "$DIST"/wadesk_*_linux_*.tar.gz; do
	[ -e "$archive" ] || fail "no archives in $DIST"
	name=$(basename "$archive" .tar.gz)
	arch=${name##*_}
	rest=${name#wadesk_}
	version=${rest%_linux_*}
	case "$arch" in
	amd64) machine="x86-64" native=x86_64 qemu=qemu-x86_64-static ;;
	arm64) machine="aarch64" native=aarch64 qemu=qemu-aarch64-static ;;
	*) fail "$name: unknown architecture $arch" ;;
	esac
	runner=()
	if [ "$host" != "$native" ]; then
		command -v "$qemu" >/dev/null || fail "$qemu (Debian's qemu-user-static) is needed to run the $arch binary"
		runner=("$qemu")
	fi
	echo "== $name (${runner[*]:-native})"

	tar -xzf "$archive" -C "$work"
	dir="$work/$name"
	for f in wadesk README.md LICENSE NOTICE; do
		[ -f "$dir/$f" ] || fail "$name: the archive lacks $f"
	done
	if [ -f deploy/wadesk.service ] && [ ! -f "$dir/wadesk.service" ]; then
		fail "$name: the archive lacks the systemd unit wadesk.service"
	fi
	[ -f "$DIST/$name.cdx.json" ] || fail "$name: no SBOM $name.cdx.json"
	grep -q '"bomFormat": *"CycloneDX"' "$DIST/$name.cdx.json" || fail "$name: $name.cdx.json is not a CycloneDX SBOM"

	desc=$(file -b "$dir/wadesk")
	echo "file: $desc"
	case "$desc" in *"$machine"*) ;; *) fail "$name: file does not say $machine" ;; esac
	case "$desc" in *"statically linked"*) ;; *) fail "$name: the binary is not statically linked" ;; esac
	case "$desc" in *"stripped"*) case "$desc" in *"not stripped"*) fail "$name: the binary is not stripped" ;; esac ;; esac

	out=$("${runner[@]}" "$dir/wadesk" version)
	echo "$out"
	[ "$(head -1 <<<"$out")" = "wadesk $version" ] || fail "$name: wadesk version does not name $version"
	grep -qx "go:       $want_go" <<<"$out" || fail "$name: wadesk version does not name $want_go"
	grep -qx "platform: linux/$arch" <<<"$out" || fail "$name: wadesk version does not name linux/$arch"
	grep -Eq '^commit:   [0-9a-f]{40}$' <<<"$out" || fail "$name: wadesk version names no commit"
	grep -Eq '^built:    [0-9]{4}-[0-9]{2}-[0-9]{2}T' <<<"$out" || fail "$name: wadesk version names no build date"

	log="$work/$name.log"
	: >"$log" # before the server starts: the shell opens its redirection later
	"${runner[@]}" "$dir/wadesk" serve --addr 127.0.0.1:0 --data "$work/$name-data" --health-interval 1h >"$log" 2>&1 &
	pid=$!
	url=
	for _ in $(seq 1 240); do
		url=$(sed -n 's/^wadesk: listening on \(http:[^ ]*\)$/\1/p' "$log")
		[ -n "$url" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "$name: wadesk serve exited"; }
		sleep 0.25
	done
	[ -n "$url" ] || { cat "$log"; fail "$name: wadesk serve did not listen within 60 s"; }
	health=$(curl -fsS --max-time 20 "$url/healthz") || { cat "$log"; fail "$name: GET $url/healthz failed"; }
	[ "$health" = "ok" ] || fail "$name: /healthz said $health"
	echo "serve: $url/healthz said $health"
	kill -TERM "$pid"
	wait "$pid" || { cat "$log"; fail "$name: wadesk serve did not stop cleanly"; }
	pid=
	checked=$((checked + 1))
done
echo "release-smoke: $checked passed, 0 failed"
