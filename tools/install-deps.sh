#!/usr/bin/env bash
# Installs the Debian packages disco needs that are missing, and says which.
# Everything comes from Debian's own archive through apt-get.
set -euo pipefail

# package : a file or command that shows it is installed
needs=(
	"gcc-mips64el-linux-gnuabi64:/usr/bin/mips64el-linux-gnuabi64-gcc"
	"qemu-system-mips:/usr/bin/qemu-system-mips64el"
	"libcmocka-dev:/usr/include/cmocka.h"
	"gcc:/usr/bin/gcc"
	"make:/usr/bin/make"
	"binutils:/usr/bin/nm"
	"dpkg-dev:/usr/bin/dpkg-source"
	"xz-utils:/usr/bin/xz"
	"cpio:/usr/bin/cpio"
	"device-tree-compiler:/usr/bin/dtc"
)

# `install-deps.sh linux`: also what building the Linux guests needs.
if [ "${1:-}" = linux ]; then
	needs+=(
		"linux-source-6.1:/usr/src/linux-source-6.1.tar.xz"
		"flex:/usr/bin/flex"
		"bison:/usr/bin/bison"
		"bc:/usr/bin/bc"
		"libssl-dev:/usr/include/openssl/ssl.h"
		"libelf-dev:/usr/include/libelf.h"
		"file:/usr/bin/file"
		"patch:/usr/bin/patch"
	)
fi

missing=()
for entry in "${needs[@]}"; do
	pkg=${entry%%:*}
	probe=${entry#*:}
	[ -e "$probe" ] || missing+=("$pkg")
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
