#!/usr/bin/env bash
# make bench-traps: the cost in instructions of each privileged operation
# and of a reflected exception, natively and virtualized. The trapbench
# guest (guest-images/trapbench) runs ITERS iterations of each operation
# between calls to bench_point; the insncount plugin (exact mode, -icount
# shift=0,sleep=off) snapshots its counters there. Per operation: (loop's
# instructions - empty loop's) / ITERS, summed over all regions, with the
# monitor's share shown. Writes the table to stdout and build/bench-traps.txt,
# the same figures as JSON and CSV (build/bench-traps.json, .csv) and a chart
# of the monitor's instructions per operation (build/bench-traps.png, with
# a second monitor's figures beside them if BEFORE= names its JSON).
# Knobs: DISCO_ELF= another monitor; OUT= another name for the four files
# (without the extension); BEFORE=FILE.json the figures to compare with;
# PYTHON= the interpreter (default Debian's /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=$PWD/build/insncount.so
ITERS=2000                      # as in trapbench.S
OUT=${OUT:-build/bench-traps}
DISCO_ELF=${DISCO_ELF:-build/disco.elf}
BEFORE=${BEFORE:-}
PYTHON=${PYTHON:-/usr/bin/python3}  # Debian's, with python3-matplotlib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mark_of() { echo "0x$(nm "$1" | awk '$3 == "bench_point" { print $1 }')"; }

# counts FILE KEY: KEY's value at every mark snapshot, one per line
counts() {
	awk -v k="$2" '$1 == "mark" { for (j = 1; j < NF; j++) if ($j == k) print $(j + 1) }' "$1"
}

native=build/guest-images/trapbench-bare.elf
guest=build/guest-images/trapbench.elf
timeout -s KILL 120 tools/qemu-malta.sh -semihosting \
	-icount shift=0,sleep=off -m 128M -kernel "$native" \
	-plugin "$PLUGIN,out=$tmp/native.txt,mark=$(mark_of "$native")" < /dev/null > "$tmp/native.log" 2>&1 ||
	{ echo "bench-traps: the native run failed" >&2; cat "$tmp/native.log" >&2; exit 1; }
printf '[vm trapbench]\nkernel = trapbench.elf\nmemory = 16M\n' > "$tmp/vms.conf"
tools/mkbundle.sh "$tmp/vms.conf" "$tmp/bundle.cpio" build/guest-images
timeout -s KILL 300 tools/qemu-malta.sh \
	-icount shift=0,sleep=off -smp 1 -m 128M -kernel "$DISCO_ELF" -initrd "$tmp/bundle.cpio" \
	-plugin "$PLUGIN,out=$tmp/virt.txt,mark=$(mark_of "$guest")" \
	< /dev/null > "$tmp/virt.log" 2>&1 ||
	{ echo "bench-traps: the virtualized run failed" >&2; cat "$tmp/virt.log" >&2; exit 1; }
grep -q "vm trapbench: powered off (exit status 0)" "$tmp/virt.log" ||
	{ echo "bench-traps: the guest did not finish cleanly" >&2; cat "$tmp/virt.log" >&2; exit 1; }

mapfile -t n_all < <(counts "$tmp/native.txt" all)
mapfile -t v_all < <(counts "$tmp/virt.txt" all)
mapfile -t v_mon < <(counts "$tmp/virt.txt" monitor)
marks=13                        # loops 0-11 and the end
[ "${#n_all[@]}" -eq $marks ] && [ "${#v_all[@]}" -eq $marks ] ||
	{ echo "bench-traps: want $marks marks, got ${#n_all[@]} native and ${#v_all[@]} virtualized" >&2; exit 1; }

names=("empty loop" "mfc0 Status" "mtc0 Status" "tlbwr" \
	"eret (with dmtc0 EPC, mtc0 Status)" "syscall reflected to the guest's vector (+ mfc0, dmtc0, eret there)" \
	"hypercall (timer frequency)" \
	"eret through the shared area (eret_set)" \
	"syscall from user mode, reflected (+ eret through the shared area there)" \
	"rdhwr \$3, \$29 from user mode" \
	"(set-up, not reported)" \
	"TLB refill of a pair the TLB lost (in a VM: an l2tlb hit, the fast path)")
keys=(empty mfc0 mtc0 tlbwr eret_3traps syscall_5traps hypercall eret_shared syscall_user rdhwr_user setup refill)
per() { echo $(( ($2 - $1) / ITERS )); }
n0=$(per "${n_all[0]}" "${n_all[1]}"); v0=$(per "${v_all[0]}" "${v_all[1]}")
rows=()                         # key|name|native|virtualized|monitor|ratio
rows+=("${keys[0]}|${names[0]} (the overhead removed below)|$n0|$v0|0|1.00")
for k in $(seq 1 $((marks - 2))); do
	n=$(( $(per "${n_all[k]}" "${n_all[k + 1]}") - n0 ))
	v=$(( $(per "${v_all[k]}" "${v_all[k + 1]}") - v0 ))
	m=$(per "${v_mon[k]}" "${v_mon[k + 1]}")
	if [ "$k" -eq 10 ]; then         # the refill loop's set-up
		continue
	elif [ "$k" -eq 6 ]; then
		rows+=("${keys[k]}|${names[k]}|-|$v|$m|-")
	else
		rows+=("${keys[k]}|${names[k]}|$n|$v|$m|$(awk -v v="$v" -v n="$n" 'BEGIN { printf "%.0f", v / n }')")
	fi
done
title="make bench-traps ($(date -u +%Y-%m-%d), QEMU $(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}'), -icount shift=0,sleep=off, $ITERS iterations each; monitor $DISCO_ELF)"
{
	echo "# $title"
	echo
	echo "| operation (one loop iteration, loop overhead removed) | native | virtualized | of which monitor | ratio |"
	echo "|---|---|---|---|---|"
	for r in "${rows[@]}"; do
		IFS='|' read -r key name n v m ratio <<< "$r"
		echo "| $name | $n | $v | $m | $ratio |"
	done
} | tee "$OUT.txt"
{
	echo "key,operation,native,virtualized,monitor,ratio"
	for r in "${rows[@]}"; do
		IFS='|' read -r key name n v m ratio <<< "$r"
		echo "$key,\"$name\",$n,$v,$m,$ratio"
	done
} > "$OUT.csv"
printf '%s\n' "${rows[@]}" | "$PYTHON" -c '
import json, sys
title, monitor = sys.argv[1], sys.argv[2]
ops = []
for line in sys.stdin:
    key, name, n, v, m, ratio = line.rstrip("\n").split("|")
    num = lambda x: None if x == "-" else (float(x) if "." in x else int(x))
    ops.append({"key": key, "operation": name, "native": num(n), "virtualized": num(v),
                "monitor": num(m), "ratio": num(ratio)})
json.dump({"title": title, "monitor_elf": monitor, "operations": ops}, sys.stdout, indent=1)
print()' "$title" "$DISCO_ELF" > "$OUT.json"
"$PYTHON" tools/bench-traps-plot.py "$OUT.json" "$OUT.png" ${BEFORE:+"$BEFORE"} ||
	echo "bench-traps: no chart (python3-matplotlib missing?)" >&2
echo "bench-traps: $OUT.txt, $OUT.csv, $OUT.json, $OUT.png"
