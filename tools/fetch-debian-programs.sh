#!/usr/bin/env bash
# Puts Debian's own mips64el programs (dynamically linked with glibc) and
# the shared libraries they need in a cache folder outside the clone, as a
# root tree to pack into an initrd: workload (f) of `make bench-linux`.
#
# LIST (guest-images/linux/bench/programs.list) has one entry a line:
#   package NAME   a Debian package; apt resolves its dependencies
#   file PATH      a file of those packages to put in the tree (an ELF
#                  program: its interpreter and NEEDED libraries follow)
#   tree PATH      a folder to put in the tree whole (perl's modules)
# The packages are fetched for mips64el with the private apt list of
# tools/fetch-busybox.sh (~/.cache/disco/apt-mips64el); the system's own
# architectures and sources are not changed, and no root is needed. The
# result is cached under a key of LIST and this script, so the versions
# stay what the first fetch found until the list changes.
#
#   tools/fetch-debian-programs.sh LIST          fetch if missing
#   tools/fetch-debian-programs.sh LIST --path   print the tree's folder
set -euo pipefail

list=${1:?usage: fetch-debian-programs.sh LIST [--path]}
cache=${DISCO_CACHE:-$HOME/.cache/disco}
key=$(cat "$list" "$0" | sha256sum | cut -c1-16)
dir=$cache/programs-mips64el-$key
if [ "${2:-}" = --path ]; then
	echo "$dir/root"
	exit 0
fi
[ -f "$dir/done" ] && exit 0

packages=($(awk '$1 == "package" { print $2 }' "$list"))
. "$(dirname "$0")/apt-mips64el.sh"
apt_mips64el_lock
[ -f "$dir/done" ] && exit 0  # another run fetched it meanwhile
echo "fetch-debian-programs: fetching ${packages[*]} for mips64el and what they depend on"
apt_mips64el_update

# The dependency closure, as apt would install it on an empty system
# (Depends and Pre-Depends, no Recommends): "name=version" each.
closure=($(apt-get "${apt_opts[@]}" -s --no-install-recommends install "${packages[@]}" |
	awk '$1 == "Inst" { v = $3; gsub(/[()]/, "", v); print $2 "=" v }'))
[ ${#closure[@]} -gt 0 ] || { echo "fetch-debian-programs: apt resolved nothing" >&2; exit 1; }

rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/all" "$dir/root"
(cd "$dir/debs" && apt-get "${apt_opts[@]}" download "${closure[@]}" >/dev/null)
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/all"
done
printf '%s\n' "${closure[@]}" > "$dir/packages"

all=$dir/all
root=$dir/root
# put PATH: copies all/PATH into root/PATH; a symbolic link brings its
# target too (absolute targets are taken inside the tree)
put() {
	local p=${1#/}
	[ -e "$all/$p" ] || [ -L "$all/$p" ] ||
		{ echo "fetch-debian-programs: $p is in none of the packages" >&2; exit 1; }
	[ -e "$root/$p" ] || [ -L "$root/$p" ] && return 0
	(cd "$all" && cp -a --parents "$p" "$root/")
	if [ -L "$all/$p" ]; then
		local t
		t=$(readlink "$all/$p")
		case $t in
		/*) put "$t" ;;
		*) put "$(dirname "$p")/$t" ;;
		esac
	fi
}
for p in $(awk '$1 == "file" || $1 == "tree" { print $2 }' "$list"); do
	put "$p"
done

# The ELF files' interpreters and NEEDED libraries, until nothing is new
# (each file is looked at once).
libdirs=(lib/mips64el-linux-gnuabi64 usr/lib/mips64el-linux-gnuabi64 lib64 usr/lib64)
declare -A seen
while :; do
	new=0
	while read -r f; do
		[ -z "${seen[$f]:-}" ] || continue
		seen[$f]=1
		new=1
		[ "$(head -c 4 "$f" | tr -d '\177')" = ELF ] || continue
		interp=$(LC_ALL=C readelf -l "$f" 2>/dev/null |
			sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
		[ -z "$interp" ] || put "$interp"
		for lib in $(LC_ALL=C readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			found=
			for d in "${libdirs[@]}"; do
				if [ -e "$all/$d/$lib" ]; then found=$d/$lib; break; fi
			done
			[ -n "$found" ] || { echo "fetch-debian-programs: $f needs $lib, in none of the packages" >&2; exit 1; }
			put "$found"
		done
	done < <(find "$root" -type f)
	[ $new -eq 0 ] && break
done
rm -rf "$all" "$dir/debs"
touch "$dir/done"
echo "fetch-debian-programs: $(find "$root" -type f | wc -l) files, $(du -sh "$root" | cut -f1) in $root"
