#!/usr/bin/env bash
# Builds the release: for each target a static, stripped wadesk binary (cgo,
# SQLite compiled in), an archive with the README, LICENSE, NOTICE and the
# systemd unit (when deploy/wadesk.service exists), a CycloneDX SBOM, and
# SHA256SUMS over the archives and SBOMs. Everything lands in $DIST.
#
# Environment (the Makefile sets them):
#   VERSION   the version to embed (default: git describe)
#   COMMIT    the full commit hash (default: git rev-parse HEAD)
#   DATE      the build date, RFC 3339 UTC (default: SOURCE_DATE_EPOCH, else now)
#   TARGETS   space-separated GOOS/GOARCH pairs (default: linux/amd64 linux/arm64)
#   DIST      output folder (default: dist)
#
# linux/arm64 is cross-compiled with Debian's aarch64-linux-gnu-gcc
# (package gcc-aarch64-linux-gnu); .ci/run installs it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

GO="${GO:-go}"
VERSION="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
COMMIT="${COMMIT:-$(git rev-parse HEAD 2>/dev/null || true)}"
if [ -z "${DATE:-}" ]; then
	if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
		DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
	else
		DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	fi
fi
TARGETS="${TARGETS:-linux/amd64 linux/arm64}"
DIST="${DIST:-dist}"
# Archive entries get the build date as their time, and root as owner.
mtime="@$(date -u -d "$DATE" +%s)"

# The release's build tags: FTS5 for the inbox search; the pure-Go DNS
# resolver and user lookup, so that the static binary needs no glibc NSS
# modules at run time; no SQLite extension loading (dlopen), which a static
# binary cannot do.
tags="sqlite_fts5,netgo,osusergo,sqlite_omit_load_extension"
ldflags="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$DATE"
ldflags="$ldflags -linkmode external -extldflags '-static'"

cc_for() {
	case "$1" in
	linux/amd64) echo "${CC_LINUX_AMD64:-gcc}" ;;
	linux/arm64) echo "${CC_LINUX_ARM64:-aarch64-linux-gnu-gcc}" ;;
	*) echo "release: no C compiler known for $1" >&2; return 1 ;;
	esac
}

rm -rf "$DIST"
mkdir -p "$DIST"
sums=()
for t in $TARGETS; do
	goos=${t%/*} goarch=${t#*/}
	cc=$(cc_for "$t")
	command -v "$cc" >/dev/null || { echo "release: $cc (the C compiler for $t) is not installed" >&2; exit 1; }
	name="wadesk_${VERSION}_${goos}_${goarch}"
	dir="$DIST/$name"
	mkdir -p "$dir"
	echo "release: building $t with $cc"
	start=$(date +%s)
	# GOFLAGS holds only the release's flags: a developer's own (go env -w)
	# must not change what is shipped.
	GOFLAGS= GOOS=$goos GOARCH=$goarch CGO_ENABLED=1 CC=$cc \
		"$GO" build -trimpath -buildvcs=false -tags "$tags" -ldflags "$ldflags" -o "$dir/wadesk" .
	echo "release: built $t in $(($(date +%s) - start))s"

	cp README.md LICENSE NOTICE "$dir/"
	if [ -f deploy/wadesk.service ]; then
		cp deploy/wadesk.service "$dir/"
	fi
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
		-C "$DIST" -czf "$DIST/$name.tar.gz" "$name"

	# The SBOM is read from the module list and build settings the go
	# command embedded in the binary, so it names exactly what was built.
	GOFLAGS= "$GO" tool cyclonedx-gomod bin -json -std -version "$VERSION" \
		-output "$DIST/$name.cdx.json" "$dir/wadesk"
	sums+=("$name.tar.gz" "$name.cdx.json")
done
(cd "$DIST" && sha256sum "${sums[@]}" >SHA256SUMS)
echo "release: $DIST/SHA256SUMS"
cat "$DIST/SHA256SUMS"
