#!/usr/bin/env bash
# Instructions of each splash program's parallel phase (bench_mark 1 to 2)
# on the native kernel in QEMU (uniprocessor), counted by the insncount
# plugin under -icount shift=0,sleep=off, as tools/bench-linux.sh does:
#
#   guest-images/splash/splash-count.sh [-p THREADS] [small|default] [PROGRAM...]
#
# Needs build/linux/native/vmlinux, build/insncount.so and
# build/linux/splash.cpio (make splash). KERNEL, PLUGIN, CPIO and MEM
# override them. QEMU stops at splash-done, run after the script's last
# line (the native kernel's power-off sometimes spins). Prints the console's splash lines, then one line per
# program: "count NAME all N user N kernel N" (natively the kernel runs in
# kseg0, which the plugin counts as "monitor": kernel = all - user).
set -eu
KERNEL=${KERNEL:-build/linux/native/vmlinux}
PLUGIN=${PLUGIN:-build/insncount.so}
CPIO=${CPIO:-build/linux/splash.cpio}
MEM=${MEM:-256M}
threads=4 size=default progs=
while [ $# -gt 0 ]; do
	case $1 in
	-p) threads=$2; shift ;;
	small|default) size=$1 ;;
	*) progs="${progs:+$progs,}$1" ;;
	esac
	shift
done
append="console=ttyS0 disco.run=splash splash.p=$threads splash.size=$size"
[ -n "$progs" ] && append="$append splash.progs=$progs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout -s KILL 900 tools/qemu-malta.sh -icount shift=0,sleep=off -smp 1 -m "$MEM" \
	-kernel "$KERNEL" -initrd "$CPIO" -append "$append" \
	-plugin "$PLUGIN,out=$tmp/count.txt,mark=0x110000000,mark=0x110010000,stopafter=1" \
	< /dev/null > "$tmp/console.log" 2>&1 || true
tr -d '\r' < "$tmp/console.log" | grep -E '^(splash|fft|lu|radix|ocean|barnes|water): ' || true
grep -q '^end$' "$tmp/count.txt" 2> /dev/null ||
	{ echo "splash-count: no plugin output; console:" >&2; tail -n 30 "$tmp/console.log" >&2; exit 1; }
names=$(tr -d '\r' < "$tmp/console.log" | sed -n 's/^\([a-z]*\): threads [0-9].*/\1/p' | grep -v '^splash$')
awk -v a=0x0000000110000000 '$1 == "mark" && $4 == a { for (j = 1; j < NF; j++) v[$j] = $(j + 1); print v["all"], v["user"] }' \
	"$tmp/count.txt" > "$tmp/marks"
i=0
for name in $names; do
	read -r a0 u0 < <(sed -n "$((2 * i + 1))p" "$tmp/marks")
	read -r a1 u1 < <(sed -n "$((2 * i + 2))p" "$tmp/marks")
	[ -n "${a1:-}" ] || { echo "splash-count: $name: no marks" >&2; exit 1; }
	echo "count $name all $((a1 - a0)) user $((u1 - u0)) kernel $((a1 - a0 - u1 + u0))"
	i=$((i + 1))
done
