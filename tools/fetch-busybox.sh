#!/usr/bin/env bash
# Puts Debian's static busybox for mips64el in a cache folder outside the
# clone, for the guests' initramfs. The package is fetched for that
# architecture with a private apt list; the system's own architectures and
# sources are not changed.
#
#   tools/fetch-busybox.sh         fetch if missing
#   tools/fetch-busybox.sh --path  print the busybox binary's path
set -euo pipefail

cache=${DISCO_CACHE:-$HOME/.cache/disco}
dir=$cache/busybox-mips64el
if [ "${1:-}" = --path ]; then
	echo "$dir/busybox"
	exit 0
fi
[ -x "$dir/busybox" ] && exit 0

echo "fetch-busybox: fetching Debian's busybox-static for mips64el"
mkdir -p "$dir"
. "$(dirname "$0")/apt-mips64el.sh"
apt_mips64el_lock
apt_mips64el_update
(cd "$work" && apt-get "${apt_opts[@]}" download busybox-static:mips64el >/dev/null)
deb=$(ls "$work"/busybox-static_*_mips64el.deb | head -n 1)
tmp=$(mktemp -d)
dpkg-deb -x "$deb" "$tmp"
cp "$tmp/bin/busybox" "$dir/busybox.tmp"
mv "$dir/busybox.tmp" "$dir/busybox"
rm -rf "$tmp" "$deb"
file "$dir/busybox" 2>/dev/null || true
echo "fetch-busybox: $dir/busybox"
