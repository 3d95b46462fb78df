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
work=$cache/apt-mips64el
mkdir -p "$work/lists/partial" "$work/archives/partial" "$dir"
# one apt at a time in the shared list (make -j may run both fetch scripts)
exec 9> "$work/lock"
flock 9
cat > "$work/sources.list" <<LIST
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
apt_opts=(-q -o APT::Sandbox::User=root -o APT::Architecture=mips64el
	-o APT::Architectures::=mips64el -o Dir::Etc::SourceList="$work/sources.list"
	-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$work/lists"
	-o Dir::Cache::Archives="$work/archives" -o Dir::State::Status=/dev/null)
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" download busybox-static:mips64el >/dev/null)
deb=$(ls "$work"/busybox-static_*_mips64el.deb | head -n 1)
tmp=$(mktemp -d)
dpkg-deb -x "$deb" "$tmp"
cp "$tmp/bin/busybox" "$dir/busybox.tmp"
mv "$dir/busybox.tmp" "$dir/busybox"
rm -rf "$tmp" "$deb"
file "$dir/busybox" 2>/dev/null || true
echo "fetch-busybox: $dir/busybox"
