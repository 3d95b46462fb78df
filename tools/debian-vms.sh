#!/usr/bin/env bash
# The configuration and the real disk for `make run DEBIAN=N`: N VMs that
# boot Debian bookworm (tools/mkrootfs.sh, docs/debian-rootfs.md), each
# from its own cow disk over the one base image on the real disk, with a
# root shell on its console. Disco's buffer cache serves the image's blocks
# to all of them from one machine page each.
#
#   tools/debian-vms.sh N OUTDIR    writes OUTDIR/debian-vms.conf and
#                                   OUTDIR/debian-disk.img (remade when
#                                   the image is newer)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: debian-vms.sh N OUTDIR}
out=${2:?usage: debian-vms.sh N OUTDIR}
if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 8 ]; then
	echo "debian-vms.sh: DEBIAN=$n: want 1 to 8 VMs" >&2
	exit 2
fi
mkdir -p "$out"
tools/mkrootfs.sh
rootfs=$(tools/mkrootfs.sh --path)
disk=$out/debian-disk.img
if [ ! -f "$disk" ] || [ "$rootfs" -nt "$disk" ]; then
	tools/mkdisk.sh "$disk" debian="$rootfs":base
fi
for ((k = 1; k <= n; k++)); do
	printf '[vm deb%d]\nkernel = vmlinux\nmemory = 96M\ndisk = debian cow\n' "$k"
	printf 'cmdline = console=ttyS0 root=/dev/vda rw rootfstype=ext4 rdinit=/sbin/init disco.hostname=deb%d\n\n' "$k"
done > "$out/debian-vms.conf"
