#!/usr/bin/env bash
# Makes a boot bundle for QEMU -initrd: a newc cpio archive with the VM
# configuration as vms.conf, every image it names ("kernel = FILE",
# "initrd = FILE"),
# looked up in the given folders in order, and each valid VM's device tree
# as NAME.dtb (source written by build/host/mkdts, compiled by Debian's
# dtc). An image found nowhere is left out: the monitor then reports it for
# that VM.
#
#   tools/mkbundle.sh CONFIG OUT.cpio DIR...
set -euo pipefail
config=$1
out=$2
shift 2
mkdts=${MKDTS:-$(dirname "$0")/../build/host/mkdts}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$config" "$stage/vms.conf"
mkdir "$stage/.dts"
"$mkdts" "$config" "$stage/.dts" "$@"
for dts in "$stage"/.dts/*.dts; do
	[ -e "$dts" ] || continue
	dtc -q -I dts -O dtb -o "$stage/$(basename "$dts" .dts).dtb" "$dts"
done
rm -rf "$stage/.dts"
sed -n 's/^[[:space:]]*\(kernel\|initrd\)[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\2/p' "$config" | sort -u |
while read -r image; do
	for dir in "$@"; do
		if [ -f "$dir/$image" ]; then
			mkdir -p "$stage/$(dirname "$image")"
			cp "$dir/$image" "$stage/$image"
			break
		fi
	done
done
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out"
