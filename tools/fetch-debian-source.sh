#!/usr/bin/env bash
# Extracts files from a Debian source package's upstream tarball into a
# folder, downloading the source package if needed. The system's apt
# sources are not changed: a private source list and list folder under the
# cache are used (apt-get runs as root).
#
#   tools/fetch-debian-source.sh PACKAGE VERSION DEST PATTERN...
#
# VERSION may be empty (the newest). PATTERNs are tar wildcards matched
# against the tarball's paths (e.g. '*/libfdt/*.c'); matches are placed in
# DEST with their folders stripped.
set -euo pipefail

package=$1 version=$2 dest=$3
shift 3
cache=${DISCO_CACHE:-$HOME/.cache/disco}
work=$cache/apt-src
mkdir -p "$work/lists/partial" "$dest"
cat > "$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm-updates main
deb-src http://deb.debian.org/debian-security bookworm-security main
LIST
apt_opts=(-q -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$work/sources.list"
	-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$work/lists")
echo "fetch-debian-source: fetching Debian's $package source package${version:+ ($version)}"
apt-get "${apt_opts[@]}" update >/dev/null
pkgdir=$work/$package
mkdir -p "$pkgdir"
(cd "$pkgdir" && { [ -n "$version" ] &&
	apt-get "${apt_opts[@]}" source --download-only "$package=$version" >/dev/null 2>&1 ||
	apt-get "${apt_opts[@]}" source --download-only "$package" >/dev/null; })
tarball=$(ls "$pkgdir"/*.orig.tar.* | head -n 1)
tmp=$(mktemp -d)
tar -xf "$tarball" -C "$tmp" --wildcards "$@"
find "$tmp" -type f -exec cp {} "$dest/" \;
rm -rf "$tmp" "$pkgdir"
