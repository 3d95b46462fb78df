#!/usr/bin/env bash
# Boots a copy of the guests' Debian root filesystem (tools/mkrootfs.sh) on
# the bare malta board, as / on QEMU's virtio-blk PCI disk, with
# disco.run=debian-check, and passes if it prints
# "debian-check: N passed, 0 failed" and powers off.
#
#   tools/check-rootfs.sh              on Debian's own 5kc-malta kernel
#   tools/check-rootfs.sh VMLINUX      on that kernel (virtio-pci, virtio-blk
#                                      and ext4 built in: build/linux/native)
#
# Debian's kernel has virtio and ext4 as modules: they are loaded by a small
# initrd (Debian's static busybox) that mounts /dev/vda and switches to the
# disk's /sbin/init. The kernel package is fetched for mips64el with the
# private apt list of tools/fetch-busybox.sh and kept, with that initrd, in
# ~/.cache/disco/debian-kernel-mips64el. The console log is left in
# build/check-rootfs.log.
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${DISCO_CACHE:-$HOME/.cache/disco}
say() { echo "check-rootfs: $*"; }
tools/mkrootfs.sh
img=$(tools/mkrootfs.sh --path)
mkdir -p build
log=build/check-rootfs.log

if [ -n "${1:-}" ]; then
	kernel=$1
	initrd=()
	# the kernel's built-in initramfs must not run: an rdinit it does not
	# have makes Linux mount root= and run its /sbin/init
	append="root=/dev/vda rw rootfstype=ext4 rdinit=/sbin/init"
else
	dir=$cache/debian-kernel-mips64el
	if [ ! -f "$dir/done" ]; then
		say "fetching Debian's 5kc-malta kernel for mips64el"
		tools/fetch-busybox.sh
		busybox=$(tools/fetch-busybox.sh --path)
		. tools/apt-mips64el.sh
		apt_mips64el_lock
		apt_mips64el_update
		rm -rf "$dir"
		mkdir -p "$dir/deb" "$dir/x" "$dir/initrd/bin" "$dir/initrd/m"
		pkg=$(apt-cache "${apt_opts[@]}" depends linux-image-5kc-malta |
			awk '/Depends: linux-image-6/ { print $2; exit }')
		(cd "$dir/deb" && apt-get "${apt_opts[@]}" download "$pkg" > /dev/null)
		dpkg-deb -x "$dir"/deb/*.deb "$dir/x"
		cp "$dir"/x/boot/vmlinuz-* "$dir/vmlinuz"
		# the modules for / on virtio-blk, in dependency order (.modinfo's
		# depends=; crc32c for ext4's checksums is loaded by name, not a
		# dependency)
		declare -A path=() seen=()
		while read -r f; do
			b=${f##*/}
			path[${b%%.ko*}]=$f
		done < <(find "$dir/x/lib/modules" -name '*.ko*')
		n=0
		add() {
			local m=${1//-/_} d
			[ -z "${seen[$m]:-}" ] || return 0
			seen[$m]=1
			mips64el-linux-gnuabi64-objcopy -O binary --only-section=.modinfo \
				"${path[$m]}" "$dir/modinfo"
			for d in $(tr '\0' '\n' < "$dir/modinfo" | sed -n 's/^depends=//p' | tr , ' '); do
				add "$d"
			done
			n=$((n + 1))
			cp "${path[$m]}" "$dir/initrd/m/$(printf %02d $n)-$m.ko"
		}
		for m in virtio_pci virtio_blk crc32c_generic ext4; do add $m; done
		cp "$busybox" "$dir/initrd/bin/busybox"
		cat > "$dir/initrd/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in /m/*.ko; do insmod "$m" || echo "initrd: insmod $m failed"; done
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.5; done
mount -t ext4 /dev/vda /root || { echo "initrd: cannot mount /dev/vda"; poweroff -f; }
umount /proc /sys
mount --move /dev /root/dev
exec switch_root /root /sbin/init
EOF
		chmod 755 "$dir/initrd/init"
		(cd "$dir/initrd" && find . | cpio -o -H newc --quiet) > "$dir/initrd.cpio"
		echo "$pkg" > "$dir/done"
		rm -rf "$dir/deb" "$dir/x" "$dir/initrd" "$dir/modinfo"
	fi
	say "kernel: Debian's $(cat "$dir/done")"
	kernel=$dir/vmlinuz
	initrd=(-initrd "$dir/initrd.cpio")
	append=
fi

disk=$(mktemp /tmp/disco-rootfs.XXXXXX)
trap 'rm -f "$disk"' EXIT
cp --sparse=always "$img" "$disk"
say "booting $img (a copy) on $kernel"
timeout 600 tools/qemu-malta.sh -m 512M -kernel "$kernel" "${initrd[@]}" \
	-append "console=ttyS0 $append disco.run=debian-check" \
	-drive if=none,id=d0,file="$disk",format=raw -device virtio-blk-pci,drive=d0 \
	< /dev/null > "$log" 2>&1 || { tail -n 30 "$log"; say "QEMU failed or timed out; log in $log" >&2; exit 1; }
grep '^debian-check: \|^rcS: ' "$log"
grep -q '^debian-check: [0-9]* passed, 0 failed' "$log" && grep -q 'reboot: Power down' "$log" ||
	{ say "FAILED; log in $log" >&2; exit 1; }
say "ok"
