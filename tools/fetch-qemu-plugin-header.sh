#!/usr/bin/env bash
# Puts QEMU's qemu-plugin.h (plugin API of the installed QEMU) in a cache
# folder outside the clone, taken from Debian's `qemu` source package, which
# is the only Debian package that ships it.
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
"$(dirname "$0")/fetch-debian-source.sh" qemu "$version" "$dir" '*/include/qemu/qemu-plugin.h'
echo "fetch-qemu-plugin-header: $dir/qemu-plugin.h"
