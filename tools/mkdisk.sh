#!/usr/bin/env bash
# Builds a disk store for the monitor's real disk (a virtio-blk PCI disk
# QEMU attaches with DISK=OUT.img tools/qemu-malta.sh ...): several named
# images in one file, the format of devices/disk_store.h.
#
#   tools/mkdisk.sh OUT.img NAME=FILE[:persistent|:base][:SIZE]...
#
#   root=rootfs.ext2            a base (read-only) image of the file
#   data=:persistent:64M        a persistent image, 64 MiB of zeros
#   home=home.img:persistent    a persistent image starting as the file
# Images are in argument order, each on a 4 KiB boundary; OUT is replaced.
# The same arguments and files always give the same bytes. The tool is
# build/host/mkdisk (made by `make`; MKDISK=path overrides).
set -eu
mkdisk=${MKDISK:-$(dirname "$0")/../build/host/mkdisk}
if [ ! -x "$mkdisk" ]; then
	echo "mkdisk.sh: $mkdisk missing; run make first" >&2
	exit 1
fi
exec "$mkdisk" "$@"
