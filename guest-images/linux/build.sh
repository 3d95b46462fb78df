#!/usr/bin/env bash
# Builds a Linux 6.1 vmlinux from Debian's linux-source-6.1 for mips64el:
#   build.sh native   the unpatched kernel for the bare malta board
#   build.sh guest    the disco guest: patches/*.patch applied
# Config: malta_defconfig + common.config + VARIANT.config. The initramfs
# (Debian's busybox-static and init) is built in. The result is cached in
# ~/.cache/disco/linux (DISCO_CACHE) under a key of every input, so a
# repeated build is a copy; it is put at build/linux/VARIANT/vmlinux.
set -euo pipefail
cd "$(dirname "$0")/../.."

variant=${1:?usage: build.sh native|guest}
here=guest-images/linux
cache=${DISCO_CACHE:-$HOME/.cache/disco}
src_tar=/usr/src/linux-source-6.1.tar.xz
cross=mips64el-linux-gnuabi64-
busybox=$(tools/fetch-busybox.sh --path)
tools/fetch-busybox.sh

patches=()
[ "$variant" = guest ] && patches=($(ls "$here"/patches/*.patch 2>/dev/null | sort))
key=$( { dpkg-query -W -f='${Version}' linux-source-6.1; cat "$here/build.sh" \
	"$here/common.config" "$here/$variant.config" "$here/initramfs.list" "$here/init" \
	"$here/tmpfs-test" "$here/panic-test" \
	"$busybox" "${patches[@]}"; } | sha256sum | cut -c1-16)
out=$cache/linux/$variant-$key
dest=build/linux/$variant
mkdir -p "$dest"
if [ -f "$out/vmlinux" ]; then
	cp "$out/vmlinux" "$dest/vmlinux"
	echo "linux: $variant kernel from the cache ($out)"
	exit 0
fi

echo "linux: building the $variant kernel (Debian linux-source-6.1, key $key); this takes a while"
work=$cache/linux/work-$variant
rm -rf "$work"
mkdir -p "$work"
tar -xJf "$src_tar" -C "$work"
tree=$work/linux-source-6.1
for p in "${patches[@]}"; do
	echo "linux: applying $(basename "$p")"
	patch -d "$tree" -p1 --quiet < "$p"
done
sed -e "s|@BUSYBOX@|$busybox|" -e "s|@HERE@|$PWD/$here|" "$here/initramfs.list" > "$work/initramfs.list"
sed -e "s|@INITRAMFS@|$work/initramfs.list|" "$here/common.config" > "$work/common.config"
make_k=(make -C "$tree" ARCH=mips CROSS_COMPILE=$cross -j"$(nproc)")
"${make_k[@]}" malta_defconfig >/dev/null
"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" \
	"$work/common.config" "$here/$variant.config" >/dev/null
"${make_k[@]}" olddefconfig >/dev/null
"${make_k[@]}" vmlinux > "$work/build.log" 2>&1 || {
	tail -n 40 "$work/build.log" >&2
	echo "linux: build failed, log in $work/build.log" >&2
	exit 1
}
mkdir -p "$out"
cp "$tree/.config" "$out/config"
cp "$tree/vmlinux" "$out/vmlinux"
cp "$out/vmlinux" "$dest/vmlinux"
echo "linux: $variant kernel in $out"
