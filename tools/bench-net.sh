#!/usr/bin/env bash
# make bench-net: network throughput between two Linux VMs on disco's
# subnet (docs/devices.md "The subnet in the monitor"), in bytes per million
# instructions, counted by the insncount plugin under -icount
# shift=0,sleep=off. Two 64 MiB one-vCPU VMs, a (send, 10.0.0.1/24) and b
# (recv, 10.0.0.2/24), with the same initrd (guest-images/linux/netbench):
#   (i) idle   a's sleep 1: a second with both VMs idle (and a fork+exec)
#   (p) ping   10 pings a to b, 1 s apart (idle between them included)
#   (t) tcp    16 MiB of zeros from a's busybox nc to b's nc -l (into dd)
# each between two runs of disk-mark in a (the plugin's snapshots sum the
# counters of every CPU, so a phase counts both VMs, the monitor on both
# CPUs and the idle CPU). Two layouts: the VMs on 2 CPUs (one each) and
# both on 1 CPU. There is no native baseline for a VM-to-VM subnet on one
# malta; as a reference, the native kernel (1 CPU, 128 MiB, same initrd)
# runs the same two workloads against itself over loopback (127.0.0.1).
# Writes the table to stdout and build/bench-net.txt (markdown), beside it
# build/bench-net.csv and .json (tools/bench-json.py) and the figure
# build/bench-net.png (tools/plot-bench.py: each workload's instructions
# over the native loopback's, split by region; docs/img/bench-net.png is a
# copy), and the VMs' console logs as build/bench-net-CPUS.log.
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=$PWD/build/insncount.so
OUT=${OUT:-build/bench-net.txt}
DISCO_ELF=${DISCO_ELF:-build/disco.elf}
GUEST_VMLINUX=${GUEST_VMLINUX:-build/linux/guest/vmlinux}
NATIVE_VMLINUX=build/linux/native/vmlinux
CPIO=build/linux/net-bench.cpio
MARKS=7                 # net-bench's disk-marks in the sender
BYTES=16777216
PINGS=10
base=${OUT%.txt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mark=0x$(nm build/linux/diskbench/disk-mark | awk '$3 == "__start" { print $1 }')
plugin="$PLUGIN,mark=$mark"
die() { echo "bench-net: $*" >&2; exit 1; }

# snapshots FILE: "all monitor kernel user" at each mark (summed over CPUs)
snapshots() {
	awk -v a="$mark" '$1 == "mark" && $4 == a {
		for (j = 1; j < NF; j++) v[$j] = $(j + 1)
		print v["all"], v["monitor"], v["kernel"], v["user"] }' "$1"
}
delta() { local a=($1) b=($2); echo "$(( b[0] - a[0] )) $(( b[1] - a[1] )) $(( b[2] - a[2] )) $(( b[3] - a[3] ))"; }

# The native reference. It sometimes stops for good (as bench-disk's native
# boot does), here in its first sleep (the ping's or sleep 1's): about one
# run in two; a run takes some 10 s, so one over 40 s is retried, up to six
# times.
for try in 1 2 3 4 5 6; do
	echo "bench-net: native loopback run (try $try)" >&2
	rm -f "$tmp/native.txt"
	timeout -s KILL 40 tools/qemu-malta.sh -icount shift=0,sleep=off -smp 1 -m 128M \
		-kernel "$NATIVE_VMLINUX" -initrd "$CPIO" \
		-append "console=ttyS0 disco.run=net-bench disco.role=loop" \
		-plugin "$plugin,out=$tmp/native.txt,stopafter=$MARKS" < /dev/null > "$tmp/native.log" 2>&1 || true
	grep -q '^end$' "$tmp/native.txt" 2> /dev/null && break
done
grep -q '^end$' "$tmp/native.txt" 2> /dev/null || { tail -n 30 "$tmp/native.log" >&2; die "the native run failed"; }
grep -q "^net-bench: received $BYTES bytes" "$tmp/native.log" || { tail -n 20 "$tmp/native.log" >&2; die "native: not $BYTES bytes"; }

cp "$GUEST_VMLINUX" "$tmp/vmlinux"
cp "$CPIO" "$tmp/net-bench.cpio"
{ printf '[vm a]\nkernel = vmlinux\ninitrd = net-bench.cpio\nmemory = 64M\n'
  printf 'net = 52:54:00:00:00:01 10.0.0.1/24\n'
  printf 'cmdline = console=ttyS0 panic=1 disco.run=net-bench disco.role=send disco.peer=10.0.0.2\n\n'
  printf '[vm b]\nkernel = vmlinux\ninitrd = net-bench.cpio\nmemory = 64M\n'
  printf 'net = 52:54:00:00:00:02 10.0.0.2/24\n'
  printf 'cmdline = console=ttyS0 panic=1 disco.run=net-bench disco.role=recv\n'
} > "$tmp/vms.conf"
tools/mkbundle.sh "$tmp/vms.conf" "$tmp/bundle.cpio" "$tmp" > /dev/null
# vm_run CPUS: both VMs on a malta of CPUS CPUs
vm_run() {
	local n=$1
	echo "bench-net: two VMs on $n CPU(s)" >&2
	timeout -s KILL 240 tools/qemu-malta.sh -icount shift=0,sleep=off -smp "$n" -m 256M \
		-kernel "$DISCO_ELF" -initrd "$tmp/bundle.cpio" \
		-plugin "$plugin,out=$tmp/vm$n.txt" < /dev/null > "$tmp/vm$n.log" 2>&1 || true
	grep -aq "^\[b\] net-bench: received $BYTES bytes" "$tmp/vm$n.log" &&
		grep -aq '^\[a\] net-bench: done' "$tmp/vm$n.log" &&
		grep -aq 'disco: all VMs have ended' "$tmp/vm$n.log" ||
		{ tail -n 30 "$tmp/vm$n.log" >&2; die "the run on $n CPU(s) failed"; }
	tr -d '\r' < "$tmp/vm$n.log" > "$base-$n.log"
}
vm_run 2
vm_run 1

# counter LOG VM FIELD: from the monitor's end-of-VM net lines
netline() { grep -a "^disco: vm $2: net eth0" "$1" | tr -d '\r'; }
rtt() { sed -n "s/^\\(\\[a\\] \\)\\{0,1\\}net-bench: ping: round-trip min\\/avg\\/max = \\([0-9.\\/]*\\) ms.*/\\2/p" "$1" | tr -d '\r'; }

date=$(date -u +%Y-%m-%d)
qemu_version=$(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}')
echo "setup,name,workload,units,count,native,ratio,all,monitor,guest_kernel,guest_user,insns_per_unit,bytes_per_minsn,bytes_per_monitor_minsn,bytes_per_guest_kernel_minsn,bytes_per_guest_user_minsn,rtt_min_avg_max_ms,a_tx_frames,a_tx_bytes,b_rx_frames,b_rx_bytes,b_tx_frames,copied_bytes,remapped_pages,remap_refused" > "$tmp/rows.csv"
# the native reference's instructions for each workload: the VM rows' base
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
mapfile -t nm < <(snapshots "$tmp/native.txt")
[ "${#nm[@]}" -eq $MARKS ] || die "native: want $MARKS marks, got ${#nm[@]}"
native_i=$(delta "${nm[0]}" "${nm[1]}"); native_i=${native_i%% *}
native_p=$(delta "${nm[2]}" "${nm[3]}"); native_p=${native_p%% *}
native_t=$(delta "${nm[4]}" "${nm[5]}"); native_t=${native_t%% *}
# row SETUP NAME FILE LOG: both workloads of one run
row() {
	local setup=$1 name=$2 file=$3 log=$4 i p t mon ker usr r
	local -a m
	mapfile -t m < <(snapshots "$file")
	[ "${#m[@]}" -eq $MARKS ] || die "$setup: want $MARKS marks, got ${#m[@]}"
	i=($(delta "${m[0]}" "${m[1]}"))
	p=($(delta "${m[2]}" "${m[3]}"))
	t=($(delta "${m[4]}" "${m[5]}"))
	r=$(rtt "$log")
	local atx="" atxb="" brx="" brxb="" btx="" cp="" rm="" rf=""
	if [ "$setup" != native ]; then
		read -r atx atxb < <(netline "$log" a | sed -n 's/.*: tx \([0-9]*\) packets (\([0-9]*\) bytes).*/\1 \2/p')
		read -r btx brx brxb < <(netline "$log" b | sed -n 's/.*: tx \([0-9]*\) packets ([0-9]* bytes), rx \([0-9]*\) packets (\([0-9]*\) bytes).*/\1 \2 \3/p')
		read -r rm rf cp < <(netline "$log" b | sed -n 's/.*remap: \([0-9]*\) pages remapped, \([0-9]*\) refused, \([0-9]*\) bytes copied.*/\1 \2 \3/p')
	fi
	# natively the kernel runs in ckseg0 (the plugin's "monitor" region)
	if [ "$setup" = native ]; then mon=0; ker=$(( t[1] + t[2] )); else mon=${t[1]}; ker=${t[2]}; fi
	usr=${t[3]}
	local bpm bpmm bpmk bpmu
	read -r bpm bpmm bpmk bpmu < <(awk -v b=$BYTES -v a="${t[0]}" -v m="$mon" -v k="$ker" -v u="$usr" \
		'function per(x) { return x ? sprintf("%.0f", b / x * 1e6) : "-" }
		BEGIN { print per(a), per(m), per(k), per(u) }')
	local pm pk pu im ik
	if [ "$setup" = native ]; then pm=0; pk=$(( p[1] + p[2] )); else pm=${p[1]}; pk=${p[2]}; fi
	if [ "$setup" = native ]; then im=0; ik=$(( i[1] + i[2] )); else im=${i[1]}; ik=${i[2]}; fi
	pu=${p[3]}
	echo "| $name | tcp 16 MiB | ${t[0]} | $mon / $ker / $usr | $bpm | $bpmm / $bpmk / $bpmu | ${atx:--} a→b, ${btx:--} b→a | ${cp:--} / ${rm:--} |"
	echo "| $name | ping ×$PINGS | ${p[0]} | $pm / $pk / $pu | $(( p[0] / PINGS )) per ping | rtt $r ms | | |"
	echo "| $name | idle 1 s | ${i[0]} | $im / $ik / ${i[3]} | | | | |"
	echo "$setup,$name tcp,tcp,bytes,$BYTES,$native_t,$(ratio "${t[0]}" "$native_t"),${t[0]},$mon,$ker,$usr,$(awk -v a="${t[0]}" -v b=$BYTES 'BEGIN { printf "%.2f", a / b }'),$bpm,$bpmm,$bpmk,$bpmu,$r,$atx,$atxb,$brx,$brxb,$btx,$cp,$rm,$rf" >> "$tmp/rows.csv"
	echo "$setup,$name ping,ping,pings,$PINGS,$native_p,$(ratio "${p[0]}" "$native_p"),${p[0]},$pm,$pk,$pu,$(( p[0] / PINGS )),,,,,$r,,,,,,,," >> "$tmp/rows.csv"
	echo "$setup,$name idle,idle,seconds,1,$native_i,$(ratio "${i[0]}" "$native_i"),${i[0]},$im,$ik,${i[3]},${i[0]},,,,,,,,,,,,," >> "$tmp/rows.csv"
}
{
	echo "# make bench-net ($date, QEMU $qemu_version, -icount shift=0,sleep=off; two 64 MiB 1-vCPU VMs, monitor $DISCO_ELF, guest $GUEST_VMLINUX; native reference $NATIVE_VMLINUX over loopback, 1 CPU, 128 MiB)"
	echo
	echo "| setup | workload | instructions (all CPUs) | monitor / guest kernel / guest user | B/Minsn | B per Minsn of monitor / guest kernel / guest user | frames (monitor's counters, whole run) | bytes copied / pages remapped into b |"
	echo "|---|---|---|---|---|---|---|---|"
	row vm2 "2 VMs on 2 CPUs" "$tmp/vm2.txt" "$tmp/vm2.log"
	row vm1 "2 VMs on 1 CPU" "$tmp/vm1.txt" "$tmp/vm1.log"
	row native "native loopback" "$tmp/native.txt" "$tmp/native.log"
	echo
	echo "Instructions are the sum over the CPUs between the sender's marks (the plugin's mark snapshots sum every CPU's counters). B/Minsn: bytes moved per million instructions. Natively there is no monitor: the kernel's instructions (ckseg0 and xsseg) are in the guest kernel column; loopback is not a network device, so the native row is a reference, not a baseline. ping: 10 pings 1 s apart, so a ping's count includes the idle second after it (in the VMs the monitor's 1 ms ticks on every CPU); idle 1 s is the sender's sleep 1 between marks (the fork and exec of busybox sleep included, so it is an upper bound for a second of idle)."
	echo
	echo "The monitor's net counters at the end of each VM run (the whole run, ping and setup included):"
	for n in 2 1; do
		echo
		echo "two VMs on $n CPU(s):"
		echo
		grep -a '^disco: vm [ab]: net eth0' "$tmp/vm$n.log" | tr -d '\r' | sed 's/^/    /'
	done
} | tee "$OUT"

cp "$tmp/rows.csv" "$base.csv"
tools/bench-json.py "$base.csv" "$base.json" bench=bench-net date="$date" qemu="$qemu_version" \
	commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	icount=shift=0,sleep=off memory=64M monitor="$DISCO_ELF" guest="$GUEST_VMLINUX" \
	native="$NATIVE_VMLINUX" bytes=$BYTES pings=$PINGS \
	"title=make bench-net ($date): instructions / native loopback, 16 MiB over TCP and 10 pings"
tools/plot-bench.py bars "$base.json" "$base.png" --label name \
	--split guest_user,guest_kernel,monitor --base native \
	--ylabel "instructions / native loopback (log)"
echo "bench-net: $OUT, $base.csv, $base.json, $base.png" >&2
