#!/usr/bin/env bash
# Installs every Debian package that disco's build, tests and benchmarks
# use and that is missing, and says which. Everything comes from Debian's
# own archive through apt-get (`apt-get update` first); nothing else is
# downloaded. A fresh minimal Debian 12 (mmdebstrap --variant=minbase) with
# git and make is enough to start from: `make test-fresh` proves it.
#
#   tools/install-deps.sh          install what is missing
#   tools/install-deps.sh --list   print the package list and exit
set -euo pipefail

# One package a line, with what needs it. Installed without recommends, so
# anything a package only recommends (the cross C library, say) is named.
packages=(
	# the monitor and the guest images
	make                         # every build
	gcc-mips64el-linux-gnuabi64  # the cross compiler
	libc6-dev-mips64el-cross     # the cross C library: the static Linux test programs
	binutils                     # nm, objcopy, readelf (fetch-debian-programs: libraries)
	device-tree-compiler         # dtc: each VM's device tree in its boot bundle
	cpio                         # boot bundles and initrds
	# host unit tests and tools
	gcc                          # host tests, mkdts, the QEMU plugins
	libc6-dev                    # their C library
	libcmocka-dev                # the host unit tests
	# the machine
	qemu-system-mips             # QEMU for 64-bit MIPS (malta)
	# Linux guests, from Debian's source
	linux-source-6.1             # the guest and native kernels
	xz-utils                     # unpacking it
	flex bison bc                # the kernel build
	libssl-dev libelf-dev        # the kernel's host tools
	patch                        # the guest patch
	file                         # fetch-busybox's report
	dpkg-dev                     # apt-get source (qemu-plugin.h for the plugin)
	ca-certificates              # apt over https where a mirror is https
	# the Debian root filesystem for guests (tools/mkrootfs.sh)
	mmdebstrap                   # extracts Debian's mips64el packages
	e2fsprogs                    # mke2fs -d: the ext4 image, no loop mount; e2fsck, debugfs
	qemu-user-static             # runs the image's own ldconfig and its self-check (perl)
	# benchmarks
	python3                      # tables and JSON/CSV
	python3-matplotlib           # figures
)

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${packages[@]}"
	exit 0
fi

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "${packages[@]}"; do
	installed "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
else
	sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
