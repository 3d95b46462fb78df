#!/usr/bin/env bash
# make bench-disk: disk throughput in bytes per million instructions, Linux
# on the bare machine vs in a disco VM, counted by the insncount plugin
# under -icount shift=0,sleep=off, one CPU, 128 MiB for Linux each, the
# same initrd (guest-images/linux/diskbench) and the same two disk images:
#   raw  64 MiB of pseudo-random bytes (Python's random, seed 13)
#   fs   an empty 64 MiB ext4 (mke2fs, inode tables and journal written
#        at once: no lazy init in the background)
# Natively they are QEMU's own disk device, two virtio-blk-pci (vda, vdb);
# in a VM (`disk = raw MODE`, `disk = fs MODE`) two virtio-mmio disks of the
# monitor on images of a disk store (tools/mkdisk.sh) on the real disk
# (DISK=, a virtio-blk-pci the monitor drives). The VM runs twice: disks
# persistent, then cow. The workloads (guest-images/linux/diskbench/disk-bench):
#   (a) raw read    32 MiB of /dev/vda, dd bs=64k, after drop_caches
#   (b) raw write   32 MiB of zeros to /dev/vda, dd bs=64k conv=fsync
#   (c) ext4 write  a 16 MiB file (vda's first 16 MiB) to /dev/vdb, sync
#   (d) ext4 read   the file read back (dd bs=64k) after drop_caches
# each between two runs of disk-mark, whose first instruction is the
# plugin's mark (and whose system call is the monitor's mark for its trap
# counts). The file's sha256 (taken after (d), outside the marks: it costs
# 2 billion user instructions) must equal that of raw's first 16 MiB on the
# host, natively and in both VMs. After the persistent run the real disk's
# raw image holds the zeros of (b); after the cow run the disk store file is
# unchanged.
# Writes the table to stdout and build/bench-disk.txt (markdown), beside it
# build/bench-disk.csv and .json (tools/bench-json.py) and the figure
# build/bench-disk.png (tools/plot-bench.py; docs/img/bench-disk.png is a
# copy of it), and the VMs' console logs as build/bench-disk-MODE.log.
# DISCO_ELF and GUEST_VMLINUX pick the monitor and guest kernel; OUT names
# the result file (the CSV, JSON and PNG take its name).
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=$PWD/build/insncount.so
OUT=${OUT:-build/bench-disk.txt}
DISCO_ELF=${DISCO_ELF:-build/disco.elf}
GUEST_VMLINUX=${GUEST_VMLINUX:-build/linux/guest/vmlinux}
NATIVE_VMLINUX=build/linux/native/vmlinux
CPIO=build/linux/disk-bench.cpio
MEM=128M
MARKS=9                 # disk-bench's disk-marks: two a workload, one at the end
base=${OUT%.txt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mark=0x$(nm build/linux/diskbench/disk-mark | awk '$3 == "__start" { print $1 }')
plugin="$PLUGIN,mark=$mark"
qemu=(tools/qemu-malta.sh -icount shift=0,sleep=off -smp 1)
cmdline="console=ttyS0 disco.run=disk-bench"
die() { echo "bench-disk: $*" >&2; exit 1; }

# The images, the same bytes every run
/usr/bin/python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(13).randbytes(64 << 20))' \
	> "$tmp/raw.img"
mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 "$tmp/fs.img" 64M > /dev/null 2>&1 ||
	die "mke2fs failed"
want_sum=$(head -c 16M "$tmp/raw.img" | sha256sum | cut -d' ' -f1)
zeros_sum=$(head -c 32M /dev/zero | sha256sum | cut -d' ' -f1)

# snapshots FILE: "all monitor kernel user" at each mark
snapshots() {
	awk -v a="$mark" '$1 == "mark" && $4 == a {
		for (j = 1; j < NF; j++) v[$j] = $(j + 1)
		print v["all"], v["monitor"], v["kernel"], v["user"] }' "$1"
}
# checklog LOG WHAT: disk-bench finished and read back the right file
checklog() {
	tr -d '\r' < "$1" | sed 's/^\[[a-z]*\] //' > "$1.clean"
	grep -q '^disk-bench: done$' "$1.clean" ||
		{ tail -n 30 "$1" >&2; die "the $2 run failed"; }
	grep -q "^disk-bench: file $want_sum\$" "$1.clean" ||
		{ grep '^disk-bench: ' "$1.clean" >&2; die "the $2 run read back another file (want $want_sum)"; }
}

# stopafter: QEMU ends at the last mark (the native kernel's power-off
# sometimes spins instead of ending QEMU). The native boot sometimes stops
# for good after probing the disks (an answer it never sees, seen once in
# about ten runs): a run takes some 10 s, so one over 120 s is retried, up
# to three times.
for try in 1 2 3; do
	echo "bench-disk: native run (try $try)" >&2
	cp "$tmp/raw.img" "$tmp/native-raw.img"
	cp "$tmp/fs.img" "$tmp/native-fs.img"
	rm -f "$tmp/native.txt"
	timeout -s KILL 120 "${qemu[@]}" -m "$MEM" -kernel "$NATIVE_VMLINUX" -initrd "$CPIO" \
		-append "$cmdline" \
		-drive "if=none,id=d0,file=$tmp/native-raw.img,format=raw" -device virtio-blk-pci,drive=d0 \
		-drive "if=none,id=d1,file=$tmp/native-fs.img,format=raw" -device virtio-blk-pci,drive=d1 \
		-plugin "$plugin,out=$tmp/native.txt,stopafter=$MARKS" < /dev/null > "$tmp/native.log" 2>&1 || true
	grep -q '^end$' "$tmp/native.txt" 2> /dev/null && break
done
grep -q '^end$' "$tmp/native.txt" 2> /dev/null || { tail -n 30 "$tmp/native.log" >&2; die "the native run failed"; }
checklog "$tmp/native.log" native
[ "$(tail -c +$((32 * 1048576 + 1)) "$tmp/native-raw.img" | sha256sum | cut -d' ' -f1)" = "$zeros_sum" ] ||
	die "natively, (b) did not write its zeros to the raw image"
mapfile -t n_mark < <(snapshots "$tmp/native.txt")

cp "$GUEST_VMLINUX" "$tmp/vmlinux"
cp "$CPIO" "$tmp/disk-bench.cpio"
# vm_run MODE: the VM with both disks MODE, on a new disk store
vm_run() {
	local mode=$1 store=$tmp/store-$1.img before raw_start
	tools/mkdisk.sh "$store" raw="$tmp/raw.img":persistent fs="$tmp/fs.img":persistent > "$tmp/mkdisk.txt"
	raw_start=$(awk '$1 == "raw" { split($4, s, "+"); print s[1] }' "$tmp/mkdisk.txt")
	before=$(sha256sum "$store" | cut -d' ' -f1)
	printf '[vm disk]\nkernel = vmlinux\ninitrd = disk-bench.cpio\nmemory = %s\ndisk = raw %s\ndisk = fs %s\ncmdline = %s\n' \
		"$MEM" "$mode" "$mode" "$cmdline" > "$tmp/vms.conf"
	tools/mkbundle.sh "$tmp/vms.conf" "$tmp/bundle.cpio" "$tmp" > /dev/null
	echo "bench-disk: virtualized run, disks $mode" >&2
	DISK=$store timeout -s KILL 300 "${qemu[@]}" -m 512M -kernel "$DISCO_ELF" -initrd "$tmp/bundle.cpio" \
		-plugin "$plugin,out=$tmp/$mode.txt" < /dev/null > "$tmp/$mode.log" 2>&1 || true
	grep -q "vm disk: powered off (exit status 0)" "$tmp/$mode.log" &&
		grep -q "init: disk-bench exited with status 0" "$tmp/$mode.log" ||
		{ tail -n 30 "$tmp/$mode.log" >&2; die "the virtualized run ($mode) failed"; }
	checklog "$tmp/$mode.log" "virtualized ($mode)"
	cp "$tmp/$mode.log" "$base-$mode.log"
	if [ "$mode" = cow ]; then
		[ "$(sha256sum "$store" | cut -d' ' -f1)" = "$before" ] ||
			die "the disk store changed under cow disks"
	else
		[ "$(tail -c +$(( (raw_start + 65536) * 512 + 1)) "$store" | head -c 32M | sha256sum | cut -d' ' -f1)" = "$zeros_sum" ] ||
			die "(b) in the VM did not write its zeros to the real disk's raw image"
	fi
}
vm_run persistent
vm_run cow

# traps LOG FROM TO: the monitor's per-kind counts between its marks (as
# make bench-linux: emulated and reflected, largest first)
traps() {
	awk -v from="$2" -v to="$3" '
		/^disco: vm disk mark [0-9]+ \(vcpu 0\): / {
			m = $5
			label = ($8 ~ /:$/) ? $8 : ""
			for (j = (label == "" ? 8 : 9); j <= NF; j++) {
				split($j, kv, "=")
				if (kv[1] == "hypercalls") continue
				kind = (label == "reflected:" ? "reflected-" : (label == "traps:" ? "exc-" : "")) kv[1]
				c[m, kind] = kv[2]; kinds[kind] = 1
			}
		}
		END {
			for (k in kinds) {
				if (k ~ /^exc-/) continue
				d = c[to, k] - c[from, k]
				if (d > 0) printf "%d %s\n", d, k
			}
		}' "$1" | sort -k1,1rn -k2,2 | awk '{ printf "%s%s=%d", (NR > 1 ? " " : ""), $2, $1 }'
}
total_traps() {
	awk -v from="$2" -v to="$3" '
		/^disco: vm disk mark [0-9]+ \(vcpu 0\): traps:/ {
			s = 0
			for (j = 9; j <= NF; j++) { split($j, kv, "="); s += kv[2] }
			t[$5] = s
		}
		END { print t[to] - t[from] }' "$1"
}
delta() { local a=($1) b=($2); echo "$(( b[0] - a[0] )) $(( b[1] - a[1] )) $(( b[2] - a[2] )) $(( b[3] - a[3] ))"; }

keys=(a b c d)
names=("(a) raw read" "(b) raw write" "(c) ext4 write" "(d) ext4 read")
bytes=($((32 << 20)) $((32 << 20)) $((16 << 20)) $((16 << 20)))
date=$(date -u +%Y-%m-%d)
qemu_version=$(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}')
echo "workload,name,disks,bytes,native,native_kernel,native_user,virtualized,monitor,guest_kernel,guest_user,ratio,native_bytes_per_minsn,vm_bytes_per_minsn,vm_bytes_per_monitor_minsn,vm_bytes_per_guest_kernel_minsn,vm_bytes_per_guest_user_minsn,monitor_per_kib,monitor_traps,trap_kinds" \
	> "$tmp/rows.csv"
# row MODE K: workload K of the VM with MODE disks, markdown and CSV
row() {
	local mode=$1 k=$2 n v b=${bytes[$2]} name=${names[$2]}
	local from=$((2 * k)) to=$((2 * k + 1))
	local -a v_mark
	mapfile -t v_mark < <(snapshots "$tmp/$mode.txt")
	[ "${#v_mark[@]}" -eq $MARKS ] && [ "${#n_mark[@]}" -eq $MARKS ] ||
		die "want $MARKS marks, got ${#n_mark[@]} native and ${#v_mark[@]} virtualized ($mode)"
	n=($(delta "${n_mark[from]}" "${n_mark[to]}"))
	v=($(delta "${v_mark[from]}" "${v_mark[to]}"))
	[ "$mode" = cow ] && name="$name (cow)"
	local ratio nb vb vbm vbk vbu mpk total kinds largest
	read -r ratio nb vb vbm vbk vbu mpk < <(awk -v b="$b" -v n="${n[0]}" -v a="${v[0]}" -v m="${v[1]}" \
		-v k="${v[2]}" -v u="${v[3]}" 'function per(x) { return x ? sprintf("%.0f", b / x * 1e6) : "" }
		BEGIN { printf "%.3f %s %s %s %s %s %.0f\n", a / n, per(n), per(a), per(m), per(k), per(u), m / (b / 1024) }')
	total=$(total_traps "$tmp/$mode.log" "$from" "$to")
	kinds=$(traps "$tmp/$mode.log" "$from" "$to")
	largest=$(echo "$kinds" | tr ' ' '\n' | head -n 5 | paste -sd' ')
	echo "| $name | $((b >> 20)) MiB | ${n[0]} | $(( n[1] + n[2] )) / ${n[3]} | $nb | ${v[0]} | ${v[1]} / ${v[2]} / ${v[3]} | $vb | $ratio | $mpk | $total | $largest |"
	echo "${keys[k]},$name,$mode,$b,${n[0]},$(( n[1] + n[2] )),${n[3]},${v[0]},${v[1]},${v[2]},${v[3]},$ratio,$nb,$vb,$vbm,$vbk,$vbu,$mpk,$total,$kinds" >> "$tmp/rows.csv"
}
counters() {    # LOG: the monitor's end-of-run disk lines
	grep -E '^disco: (vm disk: disk vd[a-z]|real disk:)' "$1" | tr -d '\r' | sed 's/^/    /'
}
{
	echo "# make bench-disk ($date, QEMU $qemu_version, -icount shift=0,sleep=off, 1 CPU, $MEM for Linux; monitor $DISCO_ELF, guest $GUEST_VMLINUX, native $NATIVE_VMLINUX)"
	echo
	echo "| workload | data | native | native kernel / user | native B/Minsn | virtualized | monitor / guest kernel / guest user | VM B/Minsn | ratio | monitor insns per KiB | monitor traps | largest trap kinds |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for mode in persistent cow; do
		for k in 0 1 2 3; do row "$mode" "$k"; done
	done
	echo
	echo "B/Minsn: bytes moved per million instructions (all of them: natively the kernel and user; in the VM monitor, guest kernel and guest user). ratio: VM / native instructions. The file read back is the same natively and in both VMs (sha256 $want_sum, that of raw's first 16 MiB on the host)."
	echo
	echo "The monitor's disk counters at the end of each VM run (the whole run: boot, the copy of vda's first 16 MiB, mount, the workloads, umount):"
	echo
	echo "disks persistent:"
	echo
	counters "$tmp/persistent.log"
	echo
	echo "disks cow:"
	echo
	counters "$tmp/cow.log"
} | tee "$OUT"

cp "$tmp/rows.csv" "$base.csv"
tools/bench-json.py "$base.csv" "$base.json" bench=bench-disk date="$date" qemu="$qemu_version" \
	commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	icount=shift=0,sleep=off cpus=1 memory="$MEM" monitor="$DISCO_ELF" guest="$GUEST_VMLINUX" \
	native="$NATIVE_VMLINUX" file_sha256="$want_sum" \
	persistent_counters="$(counters "$tmp/persistent.log" | sed 's/^ *//' | paste -sd';')" \
	cow_counters="$(counters "$tmp/cow.log" | sed 's/^ *//' | paste -sd';')" \
	"title=make bench-disk ($date): instructions VM / native per workload"
tools/plot-bench.py bars "$base.json" "$base.png" --label name \
	--split guest_user,guest_kernel,monitor --base native
echo "bench-disk: $OUT, $base.csv, $base.json, $base.png" >&2
