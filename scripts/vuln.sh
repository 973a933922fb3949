#!/usr/bin/env bash
# Reports the known vulnerabilities that wadesk's code reaches, with the
# govulncheck pinned in go.mod. Fails when there is one.
#
# Offline (the default): the vulnerability data is the golang.org/x/vulndb
# module at VULNDB_VERSION, fetched through the Go module proxy like any
# module. Its OSV files (data/osv) are indexed by that module's own indexdb
# command into the layout that `govulncheck -db file://...` reads, once per
# version, in a cache folder.
#
# Online: VULNDB=https://vuln.go.dev (or any database URL) skips the local
# database and asks that one.
set -euo pipefail
cd "$(dirname "$0")/.."

GO="${GO:-go}"
: "${VULNDB_VERSION:?VULNDB_VERSION must name a golang.org/x/vulndb version}"
db="${VULNDB:-}"

if [ -z "$db" ]; then
	cache="${VULNDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wadesk/vulndb}/$VULNDB_VERSION"
	if [ ! -s "$cache/index/db.json" ]; then
		echo "vuln: indexing golang.org/x/vulndb@$VULNDB_VERSION into $cache"
		info=$(cd / && GOFLAGS= "$GO" mod download -json "golang.org/x/vulndb@$VULNDB_VERSION")
		src=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
		infofile=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",*$/\1/p')
		[ -d "$src/data/osv" ] || { echo "vuln: no data/osv in $src" >&2; exit 1; }
		tmp="$cache.tmp.$$"
		rm -rf "$tmp"
		mkdir -p "$(dirname "$cache")"
		# The vulndb module's own indexer; run outside this module so that
		# its dependencies stay out of go.mod.
		(cd / && GOFLAGS= "$GO" run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" \
			-vulns "$src/data/osv" -out "$tmp")
		# indexdb leaves the database's date empty; it is the date of the
		# vulndb commit the data comes from.
		when=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$infofile")
		[ -n "$when" ] || { echo "vuln: no commit time in $infofile" >&2; exit 1; }
		printf '{"modified":"%s"}' "$when" >"$tmp/index/db.json"
		gzip -9nc "$tmp/index/db.json" >"$tmp/index/db.json.gz"
		rm -rf "$cache"
		mv "$tmp" "$cache"
	fi
	db="file://$(cd "$cache" && pwd)"
fi

"$GO" tool govulncheck -db "$db" -show version ./...
