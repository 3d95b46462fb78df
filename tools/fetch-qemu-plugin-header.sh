#!/usr/bin/env bash
# Puts QEMU's qemu-plugin.h (plugin API of the installed QEMU) in a cache
# folder outside the clone, taken from Debian's `qemu` source package, which
# is the only Debian package that ships it. The system's apt sources are not
# changed: a private source list and list folder under the cache are used.
#
#   tools/fetch-qemu-plugin-header.sh         fetch if missing
#   tools/fetch-qemu-plugin-header.sh --dir   print the header's folder
set -euo pipefail

cache=${DISCO_CACHE:-$HOME/.cache/disco}
version=$(dpkg-query -W -f='${source:Version}' qemu-system-mips 2>/dev/null || echo unknown)
dir=$cache/qemu-plugin-api/${version//:/_}
if [ "${1:-}" = --dir ]; then
	echo "$dir"
	exit 0
fi
[ -f "$dir/qemu-plugin.h" ] && exit 0

echo "fetch-qemu-plugin-header: fetching Debian's qemu source package ($version) for qemu-plugin.h"
work=$cache/apt-src
mkdir -p "$work/lists/partial" "$dir"
cat > "$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm-updates main
deb-src http://deb.debian.org/debian-security bookworm-security main
LIST
apt_opts=(-q -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::State::Lists="$work/lists")
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only "qemu=$version" >/dev/null 2>&1 ||
	apt-get "${apt_opts[@]}" source --download-only qemu >/dev/null)
tarball=$(ls "$work"/qemu_*.orig.tar.* | head -n 1)
tar -xOf "$tarball" --wildcards '*/include/qemu/qemu-plugin.h' > "$dir/qemu-plugin.h.tmp"
mv "$dir/qemu-plugin.h.tmp" "$dir/qemu-plugin.h"
rm -f "$work"/qemu_*
echo "fetch-qemu-plugin-header: $dir/qemu-plugin.h"
