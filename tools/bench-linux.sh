#!/usr/bin/env bash
# make bench-linux: Linux on the bare machine vs in a disco VM, counted in
# instructions by the insncount plugin under -icount shift=0,sleep=off, one
# CPU each, the same 192 MiB of RAM for the kernel, the same initramfs and
# the same workloads (guest-images/linux/bench/linux-bench.c):
#   (a) boot to /init: reset to the first instruction of busybox (/init)
#   (b) 1000 x fork + exec + wait of a tiny static program
#   (c) 100000 x getppid
#   (d) touching 64 MiB of fresh pages
#   (e) a CPU-bound loop
#   (f) real programs: Debian's perl, gzip, bzip2, xz and sqlite3 on a few
#       MB of data (guest-images/linux/bench/real/real-programs); their
#       "real: " lines must be the same natively and in the VM
# (b)-(f) are the counts between linux-bench's bench_mark calls, which the
# plugin marks by address. Natively the kernel runs in kseg0 (the plugin's
# "monitor" region); in a VM it runs in xsseg/ckseg ("kernel") and the
# monitor is the monitor. Per-phase trap counts come from the monitor's
# own marks (the same bench_mark calls, vcpu.h: VCPU_MARK_SYSCALL).
# Writes the table to stdout and build/bench-linux.txt (markdown), beside
# it build/bench-linux.csv and .json (tools/bench-json.py) and the figures
# build/bench-linux.png (the table) and build/bench-steps.png (what each
# step did: docs/bench-steps.csv), drawn by tools/plot-bench.py.
#
# To compare monitor or guest versions (docs/benchmarks.md): DISCO_ELF and
# GUEST_VMLINUX pick the virtualized run's monitor and guest kernel;
# NATIVE=FILE reuses a native run's counts (each run saves its own as
# build/bench-linux-native.txt, and the native "real: " lines as
# build/bench-linux-native-output.txt, which NATIVE=FILE reads as
# FILE without .txt + -output.txt); OUT names the result file (the CSV,
# JSON and PNG take its name with their own extension); MONITOR_APPEND is
# the monitor's command line in the virtualized run (e.g. "merge=64
# merge_ticks=5" for the cost of merging identical pages).
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=$PWD/build/insncount.so
OUT=${OUT:-build/bench-linux.txt}
DISCO_ELF=${DISCO_ELF:-build/disco.elf}
GUEST_VMLINUX=${GUEST_VMLINUX:-build/linux/guest/vmlinux}
MEM=192M
MARKS=6                 # linux-bench's bench_mark calls: (b)-(f) between them
base=${OUT%.txt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

busybox=$(tools/fetch-busybox.sh --path)
init_mark=$(LC_ALL=C readelf -h "$busybox" | awk '/Entry point address/ { print $4 }')
bench_mark=0x$(nm build/linux/bench/bin/linux-bench | awk '$3 == "bench_mark" { print $1 }')
plugin="$PLUGIN,mark=$init_mark,mark=$bench_mark"
qemu=(tools/qemu-malta.sh -icount shift=0,sleep=off -smp 1)
cmdline="console=ttyS0 disco.run=linux-bench"

# snapshots FILE ADDR: "all monitor kernel user" at each snapshot of mark ADDR
snapshots() {
	awk -v a="$2" '$1 == "mark" && $4 == a {
		for (j = 1; j < NF; j++) v[$j] = $(j + 1)
		print v["all"], v["monitor"], v["kernel"], v["user"] }' "$1"
}
boot_count() { snapshots "$1" "$init_mark" | head -n 1 | cut -d' ' -f1; }

# outputs LOG: the "real: " lines of workload (f) in a console log (the
# VM's lines carry the monitor's "[bench] " prefix)
outputs() { tr -d '\r' < "$1" | sed 's/^\[bench\] //' | grep '^real: ' || true; }

# The native kernel's boot waits on malta's RTC, which runs on host time
# (with -rtc clock=vm it spins through a whole virtual second), so (a)
# varies from run to run: three runs, the median one is used, and the
# spread is reported. After a boot of another length the timer meets
# (b)-(f) at other points, so their native counts vary a little too (up
# to 2%; the VM's repeat exactly): (f)'s three are reported.
if [ -n "${NATIVE:-}" ]; then
	cp "$NATIVE" "$tmp/native.txt"
	cp "${NATIVE%.txt}-output.txt" "$tmp/native.out" ||
		{ echo "bench-linux: no native outputs of (f) beside $NATIVE" >&2; exit 1; }
	boot_spread="(from $NATIVE)"
	real_spread=""
else
	echo "bench-linux: native runs (3)" >&2
	for run in 1 2 3; do
		# stopafter: QEMU ends at the last bench mark; the native kernel's
		# power-off sometimes spins instead of ending QEMU
		timeout -s KILL 1800 "${qemu[@]}" -m "$MEM" -kernel build/linux/native/vmlinux \
			-initrd build/linux/bench.cpio -append "$cmdline" \
			-plugin "$plugin,out=$tmp/native$run.txt,stopafter=$MARKS" \
			< /dev/null > "$tmp/native$run.log" 2>&1 || true
		grep -q '^end$' "$tmp/native$run.txt" 2> /dev/null ||
			{ echo "bench-linux: the native run failed:" >&2; tail -n 30 "$tmp/native$run.log" >&2; exit 1; }
		echo "$(boot_count "$tmp/native$run.txt") $run" >> "$tmp/boots.unsorted"
		snapshots "$tmp/native$run.txt" "$bench_mark" | sed -n "$((MARKS - 1))p;${MARKS}p" |
			awk 'NR == 1 { a = $1 } NR == 2 { print $1 - a }' >> "$tmp/real.counts"
		outputs "$tmp/native$run.log" > "$tmp/native$run.out"
		cmp -s "$tmp/native1.out" "$tmp/native$run.out" ||
			{ echo "bench-linux: native runs 1 and $run print different (f) lines:" >&2
			  diff "$tmp/native1.out" "$tmp/native$run.out" >&2; exit 1; }
	done
	cp "$tmp/native1.out" "$tmp/native.out"
	sort -n "$tmp/boots.unsorted" > "$tmp/boots"
	cp "$tmp/native$(sed -n 2p "$tmp/boots" | cut -d' ' -f2).txt" "$tmp/native.txt"
	boot_spread="(3 native runs: $(cut -d' ' -f1 "$tmp/boots" | paste -sd' '); the median one is used)"
	real_spread=" Native (f) in the three runs: $(paste -sd' ' "$tmp/real.counts")."
	cp "$tmp/native.txt" build/bench-linux-native.txt
	cp "$tmp/native.out" build/bench-linux-native-output.txt
fi
grep -q '^real: done$' "$tmp/native.out" ||
	{ echo "bench-linux: the native run of (f) did not finish (no 'real: done')" >&2; exit 1; }

echo "bench-linux: virtualized run (takes longer)" >&2
cp build/linux/bench.cpio "$tmp/bench.cpio"
printf '[vm bench]\nkernel = vmlinux\ninitrd = bench.cpio\nmemory = %s\ncmdline = %s\n' \
	"$MEM" "$cmdline" > "$tmp/vms.conf"
cp "$GUEST_VMLINUX" "$tmp/vmlinux"
tools/mkbundle.sh "$tmp/vms.conf" "$tmp/bundle.cpio" "$tmp"
timeout -s KILL 3600 "${qemu[@]}" -m 512M -kernel "$DISCO_ELF" -initrd "$tmp/bundle.cpio" \
	${MONITOR_APPEND:+-append "$MONITOR_APPEND"} -plugin "$plugin,out=$tmp/virt.txt" < /dev/null > "$tmp/virt.log" 2>&1 || true
grep -q "vm bench: powered off (exit status 0)" "$tmp/virt.log" &&
	grep -q "init: linux-bench exited with status 0" "$tmp/virt.log" ||
	{ echo "bench-linux: the virtualized run failed:" >&2; tail -n 30 "$tmp/virt.log" >&2; exit 1; }
virt_log=$base-virt.log
cp "$tmp/virt.log" "$virt_log"

# (f): the same lines natively and in the VM, or no table
outputs "$tmp/virt.log" > "$tmp/virt.out"
if ! cmp -s "$tmp/native.out" "$tmp/virt.out"; then
	echo "bench-linux: FAILED: (f) printed different lines natively and in the VM (< native, > VM):" >&2
	diff "$tmp/native.out" "$tmp/virt.out" >&2 || true
	exit 1
fi
out_lines=$(wc -l < "$tmp/native.out")

mapfile -t n_boot < <(snapshots "$tmp/native.txt" "$init_mark")
mapfile -t v_boot < <(snapshots "$tmp/virt.txt" "$init_mark")
mapfile -t n_mark < <(snapshots "$tmp/native.txt" "$bench_mark")
mapfile -t v_mark < <(snapshots "$tmp/virt.txt" "$bench_mark")
[ "${#n_mark[@]}" -eq $MARKS ] && [ "${#v_mark[@]}" -eq $MARKS ] && [ "${#n_boot[@]}" -ge 1 ] && [ "${#v_boot[@]}" -ge 1 ] ||
	{ echo "bench-linux: want $MARKS bench marks, got ${#n_mark[@]} native and ${#v_mark[@]} virtualized" >&2; exit 1; }

# traps FROM TO: the monitor's per-kind counts between its marks FROM and TO
# (-1: VM start), largest first, as "kind=count" words (all of them)
traps() {
	awk -v from="$1" -v to="$2" '
		/^disco: vm bench mark [0-9]+ \(vcpu 0\): / {
			m = $5
			label = ($8 ~ /:$/) ? $8 : ""
			for (j = (label == "" ? 8 : 9); j <= NF; j++) {
				split($j, kv, "=")
				if (kv[1] == "hypercalls") continue     # also under emulated
				kind = (label == "reflected:" ? "reflected-" : (label == "traps:" ? "exc-" : "")) kv[1]
				c[m, kind] = kv[2]; kinds[kind] = 1
			}
		}
		END {
			for (k in kinds) {
				if (k ~ /^exc-/) continue       # the kinds below say why
				d = c[to, k] - (from < 0 ? 0 : c[from, k])
				if (d > 0) printf "%d %s\n", d, k
			}
		}' "$virt_log" | sort -k1,1rn -k2,2 | awk '{ printf "%s%s=%d", (NR > 1 ? " " : ""), $2, $1 }'
}
total_traps() {
	awk -v from="$1" -v to="$2" '
		/^disco: vm bench mark [0-9]+ \(vcpu 0\): traps:/ {
			s = 0
			for (j = 9; j <= NF; j++) { split($j, kv, "="); s += kv[2] }
			t[$5] = s
		}
		END { print t[to] - (from < 0 ? 0 : t[from]) }' "$virt_log"
}

# row KEY NAME NATIVE(all mon kern user) VIRT(all mon kern user) FROM TO: one
# workload, as a markdown row on stdout and a CSV row in $tmp/rows.csv
row() {
	local key=$1 name=$2 n=($3) v=($4)
	local ratio=$(awk -v a="${v[0]}" -v b="${n[0]}" 'BEGIN { printf "%.3f", a / b }')
	local total=$(total_traps "$5" "$6") kinds=$(traps "$5" "$6")
	local largest=$(echo "$kinds" | tr ' ' '\n' | head -n 6 | paste -sd' ')
	echo "| $name | ${n[0]} | $(( n[1] + n[2] )) / ${n[3]} | ${v[0]} | ${v[1]} / ${v[2]} / ${v[3]} | $ratio | ${target[$key]:--} | $total | $largest |"
	echo "$key,$name,${n[0]},$(( n[1] + n[2] )),${n[3]},${v[0]},${v[1]},${v[2]},${v[3]},$ratio,${target[$key]:-},$total,$kinds" >> "$tmp/rows.csv"
}
delta() {       # A B: B - A, field by field
	local a=($1) b=($2)
	echo "$(( b[0] - a[0] )) $(( b[1] - a[1] )) $(( b[2] - a[2] )) $(( b[3] - a[3] ))"
}

keys=(b c d e f)
names=("(b) 1000 fork+exec+wait" "(c) 100000 getppid" "(d) touch 64 MiB" "(e) CPU loop"
	"(f) real programs")
# the targets of issue 10, instructions VM / native
declare -A target=([b]=1.5 [c]=2.5 [d]=1.5 [e]=1.02 [f]=1.3)
date=$(date -u +%Y-%m-%d)
qemu_version=$(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}')
echo "workload,name,native,native_kernel,native_user,virtualized,monitor,guest_kernel,guest_user,ratio,target,monitor_traps,trap_kinds" > "$tmp/rows.csv"
{
	echo "# make bench-linux ($date, QEMU $qemu_version, -icount shift=0,sleep=off, 1 CPU, $MEM for Linux; monitor $DISCO_ELF, guest $GUEST_VMLINUX)"
	echo
	echo "| workload | native | native kernel / user | virtualized | monitor / guest kernel / guest user | ratio | target | monitor traps | largest trap kinds |"
	echo "|---|---|---|---|---|---|---|---|---|"
	row a "(a) boot to /init" "${n_boot[0]}" "${v_boot[0]}" -1 0
	for k in 0 1 2 3 4; do
		row "${keys[k]}" "${names[k]}" "$(delta "${n_mark[k]}" "${n_mark[k + 1]}")" \
			"$(delta "${v_mark[k]}" "${v_mark[k + 1]}")" "$k" "$((k + 1))"
	done
	echo
	echo "Traps for (a) are counted up to linux-bench's first mark (boot, then /init's set-up). Native boot counts $boot_spread."
	echo "(f) outputs identical: the $out_lines \"real: \" lines are the same natively and in the VM.$real_spread"
} | tee "$OUT"

cp "$tmp/rows.csv" "$base.csv"
tools/bench-json.py "$base.csv" "$base.json" bench=bench-linux date="$date" qemu="$qemu_version" \
	commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	icount=shift=0,sleep=off cpus=1 memory="$MEM" monitor="$DISCO_ELF" guest="$GUEST_VMLINUX" \
	native_boot="$boot_spread" real_output_lines="$out_lines" \
	"title=make bench-linux ($date): instructions VM / native (monitor $DISCO_ELF)"
tools/plot-bench.py bars "$base.json" "$base.png" --label name \
	--split guest_user,guest_kernel,monitor --base native
tools/plot-bench.py steps docs/bench-steps.csv "$(dirname "$base")/bench-steps.png"
echo "bench-linux: $OUT, $base.csv, $base.json, $base.png, $(dirname "$base")/bench-steps.png" >&2
