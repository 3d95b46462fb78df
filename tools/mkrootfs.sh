#!/usr/bin/env bash
# Builds the guests' Debian root filesystem: an ext4 image of Debian
# bookworm for mips64el, from Debian's own packages only, in a cache folder
# outside the clone (never committed). docs/debian-rootfs.md says more.
#
#   tools/mkrootfs.sh          build the image if it is missing
#   tools/mkrootfs.sh --path   print the image's path
#
# How: mmdebstrap --variant=extract unpacks the packages of
# guest-images/debian/packages.list and their dependencies (no maintainer
# script runs: they are mips64el programs, and this machine may have no
# binfmt_misc to run them with qemu-user), then this script does the few
# things those scripts would do that the guest needs (accounts, PAM,
# alternatives, merged /usr, ld.so.cache), copies guest-images/debian/overlay
# over the tree (inittab, the boot script, fstab, ...), checks that Debian's
# perl runs from it (qemu-mips64el-static in a chroot) and makes the image
# with `mke2fs -t ext4 -d` (no loop mount). Needs root (mmdebstrap's root
# mode, chroot, files owned by root in the image).
#
# The image is cached under a key of every input (this script, the package
# list, the overlay): ~/.cache/disco/rootfs/debian-bookworm-KEY.ext4
# (DISCO_CACHE); the last build's .debs are kept in ~/.cache/disco/rootfs/debs.
# The package versions are what the mirror had when the image was built.
# Boot a copy of the image, not the cached file: a VM writes to its disk.
set -euo pipefail
cd "$(dirname "$0")/.."

here=guest-images/debian
cache=${DISCO_CACHE:-$HOME/.cache/disco}
dir=$cache/rootfs
size=256M          # the image: about 115 MB of files and room to write
suite=bookworm
mirrors=("deb http://deb.debian.org/debian $suite main"
	"deb http://deb.debian.org/debian $suite-updates main"
	"deb http://deb.debian.org/debian-security $suite-security main")

key=$( { echo "$size ${mirrors[*]}"; cat tools/mkrootfs.sh "$here/packages.list";
	(cd "$here/overlay" && find . -type f -o -type l | LC_ALL=C sort |
		while read -r f; do echo "$f $(stat -c %a "$f")"; cat "$f"; done); } |
	sha256sum | cut -c1-16)
img=$dir/debian-$suite-$key.ext4
if [ "${1:-}" = --path ]; then
	echo "$img"
	exit 0
fi
[ -f "$img" ] && exit 0

say() { echo "mkrootfs: $*"; }
if [ "$(id -u)" -ne 0 ]; then
	say "needs root (mmdebstrap's root mode, a chroot for the check, root-owned files)" >&2
	exit 1
fi
mkdir -p "$dir"
exec 9> "$dir/lock"
flock 9
[ -f "$img" ] && exit 0   # another run built it meanwhile

start=$(date +%s)
work=$dir/work-$key
root=$work/root
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# 1. Debian's packages, extracted. mmdebstrap resolves the list with apt
# (Depends and Pre-Depends), downloads and unpacks; the .debs are kept
# (cleanup/apt/cache) for their control data below, then moved to
# $dir/debs, from where the next build starts (apt downloads only what
# changed).
includes=()
while read -r p _; do
	case $p in ''|'#'*) ;; *) includes+=(--include="$p") ;; esac
done < "$here/packages.list"
say "extracting Debian $suite for mips64el (key $key)"
mmdebstrap --quiet --mode=root --variant=extract --arch=mips64el \
	--skip=cleanup/apt/cache "${includes[@]}" \
	--setup-hook='for d in bin sbin lib lib32 lib64 libo32; do mkdir -p "$1/usr/$d"; ln -s "usr/$d" "$1/$d"; done' \
	--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\"; cp \"$dir\"/debs/*.deb \"\$1/var/cache/apt/archives/\" 2>/dev/null || :" \
	"$suite" "$root" "${mirrors[@]}"
debs=("$root"/var/cache/apt/archives/*.deb)
say "${#debs[@]} packages extracted"

# Trimmed, as Debian's minimal images do: manuals, info, translations and
# documentation other than the copyright files.
rm -rf "$root"/usr/share/{man,info,lintian,locale}/*
find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete

# 2. What the packages' maintainer scripts would have done, as far as the
# guest needs it.
ctl=$work/control
: > "$work/packages"
for deb in "${debs[@]}"; do
	rm -rf "$ctl"
	dpkg-deb -e "$deb" "$ctl"
	dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >> "$work/packages"
	# The alternatives a postinst sets up with a literal
	# `update-alternatives --install LINK NAME PATH PRIO [--slave LINK NAME PATH]...`
	# (mawk's awk, debianutils' which, util-linux's pager, tar's rmt; not
	# xz-utils' lzma, whose line is made by a shell function). A link whose
	# target was trimmed away (a manual) is left out.
	[ -f "$ctl/postinst" ] || continue
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$ctl/postinst" |
		{ grep -E '^[[:space:]]*update-alternatives[[:space:]]+--install[[:space:]]+/' || :; } |
		{ grep -v '\$' || :; } | while read -r _ _ link name path _ rest; do
		read -r -a slaves <<< "$rest"
		set -- "$link" "$name" "$path"
		while [ $# -eq 3 ]; do
			if { [ -e "$root$3" ] || [ -L "$root$3" ]; } && [ ! -e "$root$1" ] && [ ! -L "$root$1" ]; then
				ln -s "/etc/alternatives/$2" "$root$1"
				ln -sfn "$3" "$root/etc/alternatives/$2"
			fi
			set --
			if [ ${#slaves[@]} -ge 4 ] && [ "${slaves[0]}" = --slave ]; then
				set -- "${slaves[1]}" "${slaves[2]}" "${slaves[3]}"
				slaves=("${slaves[@]:4}")
			fi
		done
	done
done
rm -rf "$ctl" "$dir/debs"
mkdir -p "$dir/debs"
mv "${debs[@]}" "$dir/debs/"
sort -o "$work/packages" "$work/packages"

# base-passwd and passwd: the accounts of base-passwd's masters, with
# shadow passwords (what update-passwd and shadowconfig make); root has no
# password (the console login is for tests), everyone else is locked
awk -F: -v OFS=: '{ $2 = "x"; print }' "$root/usr/share/base-passwd/passwd.master" > "$root/etc/passwd"
awk -F: -v OFS=: '{ $2 = "x"; print }' "$root/usr/share/base-passwd/group.master" > "$root/etc/group"
awk -F: '{ print $1 ":" ($1 == "root" ? "" : "*") ":19000:0:99999:7:::" }' \
	"$root/etc/passwd" > "$root/etc/shadow"
awk -F: '{ print $1 ":*::" }' "$root/etc/group" > "$root/etc/gshadow"
chmod 644 "$root/etc/passwd" "$root/etc/group"
chmod 640 "$root/etc/shadow" "$root/etc/gshadow"
chgrp "$(awk -F: '$1 == "shadow" { print $3 }' "$root/etc/group")" "$root/etc/shadow" "$root/etc/gshadow"
# base-files: /etc/profile and root's dot files; /var/run and /var/lock
for f in profile:etc/profile dot.profile:root/.profile dot.bashrc:root/.bashrc motd:etc/motd; do
	[ -e "$root/${f#*:}" ] || cp "$root/usr/share/base-files/${f%%:*}" "$root/${f#*:}"
done
rm -rf "$root/var/run" "$root/var/lock"
ln -s /run "$root/var/run"
ln -s /run/lock "$root/var/lock"
# dpkg: the packages are unpacked, not installed, so its database stays
# empty; what is in the image is listed here instead
cp "$work/packages" "$root/etc/disco-packages"
# the disco files: inittab, fstab, the boot script, PAM's common-*, ...
cp -R --preserve=mode "$here/overlay/." "$root/"
mkdir -p "$root/etc/inittab.d"   # sysvinit 3 reads it (and says so if missing)
# libc-bin: ld.so.cache, by the image's own ldconfig (static) under
# qemu-user; and the check that Debian's dynamically linked programs run
qemu=$(command -v qemu-mips64el-static) ||
	{ say "qemu-mips64el-static is missing: run tools/install-deps.sh" >&2; exit 1; }
cp "$qemu" "$root/qemu-mips64el-static"
inroot() { chroot "$root" /qemu-mips64el-static "$@"; }
inroot /sbin/ldconfig
expect() {   # WANT GOT WHAT
	[ "$1" = "$2" ] || { say "$3 from the tree printed '$2', not '$1'" >&2; exit 1; }
}
expect 42 "$(inroot /usr/bin/perl -e 'print 6 * 7' 2>&1)" "Debian's perl"
expect 42 "$(inroot /usr/bin/sqlite3 :memory: 'select 6 * 7' 2>&1)" "Debian's sqlite3"
expect hello "$(echo hello | inroot /usr/bin/xz | inroot /usr/bin/gzip -c | inroot /usr/bin/gzip -d |
	inroot /usr/bin/xz -d 2>&1)" "Debian's xz and gzip"
expect root:x:0:0:root:/root:/bin/bash "$(inroot /usr/bin/getent passwd root 2>&1)" "getent"
rm "$root/qemu-mips64el-static"
[ -x "$root/sbin/init" ] && [ -x "$root/sbin/agetty" ] ||
	{ say "no /sbin/init or /sbin/agetty in the tree" >&2; exit 1; }
# every ELF file is for this machine: 64-bit little-endian MIPS64 R2
other=$(find "$root" -type f -exec file {} + | grep ': *ELF' | grep -v 'ELF 64-bit LSB .* MIPS, MIPS64 rel2' || :)
[ -z "$other" ] || { say "ELF files for another machine: $other" >&2; exit 1; }

# 3. The image: ext4 from the tree, no loop mount.
# Inode tables and journal zeroed now, and the groups marked so: a VM's
# kernel would otherwise zero them itself after every boot (ext4lazyinit),
# writing about 3.3 MiB into each cow overlay (docs/memory.md).
mke2fs -q -t ext4 -T default -E lazy_itable_init=0,lazy_journal_init=0 -L disco-root -m 0 -d "$root" "$work/image.ext4" "$size" >/dev/null
e2fsck -fn "$work/image.ext4" > "$work/fsck.log" 2>&1 ||
	{ cat "$work/fsck.log" >&2; say "e2fsck found errors" >&2; exit 1; }
debugfs -R 'stat /usr/sbin/init' "$work/image.ext4" 2>/dev/null | grep -q 'Type: regular' ||
	{ say "no /usr/sbin/init in the image" >&2; exit 1; }
mv "$work/image.ext4" "$img"
used=$(du -sm "$root" | cut -f1)
say "$img: $size, ${used} MB of files, ${#debs[@]} packages, $(($(date +%s) - start)) s"
