#!/usr/bin/env bash
# make bench-boot: instruction counts (insncount plugin, -icount
# shift=0,sleep=off) for
#   - reset to "all CPUs online" at 1, 4 and 16 CPUs: the count at the last
#     CPU's check-in mark, summed over all CPUs;
#   - a cross-CPU call round trip from CPU 0 to an idle CPU 1: instructions
#     between the markers around ITERS calls, divided by ITERS.
# Writes the table to stdout and build/bench-boot.txt (markdown), and beside
# it build/bench-boot.csv and build/bench-boot.json (tools/bench-json.py).
set -euo pipefail
cd "$(dirname "$0")/.."

ELF=build/disco.elf
PLUGIN=$PWD/build/insncount.so
ITERS=${ITERS:-200}
OUT=build/bench-boot.txt
CSV=${OUT%.txt}.csv
mark=0x$(nm "$ELF" | awk '$3 == "bench_mark" { print $1 }')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME CPUS APPEND: boots with the plugin; counts land in $tmp/NAME.txt
run() {
	timeout -s KILL 300 tools/qemu-malta.sh \
		-semihosting -icount shift=0,sleep=off -smp "$2" -m 256M -kernel "$ELF" \
		-append "$3 semihosting" \
		-plugin "$PLUGIN,out=$tmp/$1.txt,mark=$mark" > "$tmp/$1.log" 2>&1 || {
		echo "bench-boot: run $1 failed, console output:" >&2
		cat "$tmp/$1.log" >&2
		exit 1
	}
}

# field FILE MARK KEY: a summed count at mark number MARK (negative: from the end)
field() {
	awk -v m="$2" -v k="$3" '
		$1 == "mark" { n++; line[n] = $0 }
		END {
			i = m < 0 ? n + 1 + m : m + 1
			split(line[i], f, " ")
			for (j = 1; j < length(f); j++) if (f[j] == k) print f[j + 1]
		}' "$1"
}

date=$(date -u +%Y-%m-%d)
qemu_version=$(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}')
echo "measurement,cpus,instructions,monitor,boot_rom,calls,virtual_ns_each" > "$tmp/rows.csv"
{
	echo "# make bench-boot ($date, QEMU $qemu_version, -icount shift=0,sleep=off)"
	echo
	echo "| measurement | CPUs | instructions (all CPUs) | of which monitor | of which boot ROM |"
	echo "|---|---|---|---|---|"
	for n in 1 4 16; do
		run "boot$n" "$n" "test=boot"
		f=$tmp/boot$n.txt
		checkins=$(grep -c '^mark ' "$f")
		[ "$checkins" -eq "$n" ] || { echo "bench-boot: $checkins check-ins for $n CPUs" >&2; exit 1; }
		echo "| reset to all CPUs online | $n | $(field "$f" -1 all) | $(field "$f" -1 monitor) | $(field "$f" -1 other) |"
		echo "boot,$n,$(field "$f" -1 all),$(field "$f" -1 monitor),$(field "$f" -1 other),," >> "$tmp/rows.csv"
	done
	for n in 2 4 16; do
		run "xcall$n" "$n" "test=xcall-latency iters=$ITERS"
		f=$tmp/xcall$n.txt
		a0=$(field "$f" -2 all); a1=$(field "$f" -1 all)
		ns=$(sed -n 's/.*round trips cpu 0 -> cpu 1: \([0-9]*\) ns each.*/\1/p' "$tmp/xcall$n.log")
		echo "| xcall round trip to an idle CPU ($ITERS calls; virtual time ${ns} ns each) | $n | $(( (a1 - a0) / ITERS )) | $(( (a1 - a0) / ITERS )) | 0 |"
		echo "xcall,$n,$(( (a1 - a0) / ITERS )),$(( (a1 - a0) / ITERS )),0,$ITERS,$ns" >> "$tmp/rows.csv"
	done
} | tee "$OUT"
cp "$tmp/rows.csv" "$CSV"
tools/bench-json.py "$CSV" "${OUT%.txt}.json" bench=bench-boot date="$date" qemu="$qemu_version" \
	commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	icount=shift=0,sleep=off \
	"title=make bench-boot ($date): instructions to all CPUs online, cross-call round trips"
echo "bench-boot: $OUT, $CSV, ${OUT%.txt}.json" >&2
