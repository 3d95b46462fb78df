#!/usr/bin/env bash
# make bench-numa: the NUMA engine's experiments (issue 12) on an 8-CPU
# malta declared as 2 and as 4 nodes, with the ccnuma plugin
# (tools/qemu-plugins/ccnuma.c: per-CPU caches, local 300 ns / remote
# 900 ns misses, simulated time), insncount (monitor / guest kernel /
# user instructions) and pcprof (the engine's own instructions, by
# function) under -icount shift=0,sleep=off:
#
#   suiteN-POLICY  the SPLASH-style suite (guest-images/splash) in one
#                  4-vCPU Linux VM spanning two nodes (cpus 2-5: two vCPUs
#                  on each), 4 threads, on numa=N
#   shareN-POLICY  readshare in the same VM: every thread reads one large
#                  table the main thread wrote (replication's case)
#   movedN-POLICY  four uniprocessor VMs on CPUs 0-3, each running
#                  readshare alone (a long memory-heavy loop),
#                  whose vCPUs the monitor moves to CPUs 4-7 (other nodes)
#                  mid-run with move_at: the engine should bring their
#                  memory home (a time series of the local-miss share)
#
# for N in 2, 4 and each POLICY of POLICIES (numa_policy = in vms.conf).
# The whole default set (28 runs) takes about 25 minutes here.
#
# Options (environment):
#   SIZE=small|default  problem sizes (default: default)
#   RUNS="suite2 share2 moved2 ..."  what to run: experiments (suite2,
#       suite4, share2, share4, moved2, moved4) or single runs
#       (suite2-migrate); default "suite2 suite4 share2 share4 moved2".
#       The logs of runs not made are reused from build/bench-numa/.
#   POLICIES="..."      the policies, each NAME or NAME@KEY=VALUE,... (numa.KEY
#       settings of that run): default the four with the engine's
#       defaults, and migrate and migrate-replicate with hinting faults
#       (numa.sample=1024: without them a page is counted only when its
#       translation misses the real TLB, and a working set within the
#       TLB's reach is never seen) and a trigger of 8 touches a period
#       (numa.trigger=8: with the default 32 the moved VMs' tables came
#       home too slowly, 37-38% less simulated time than round-robin
#       against 45%)
#   NUMA_KEYS="numa.trigger=16 ..."  engine or policy keys for every VM
#   TIMEOUT=S           each QEMU run's limit in seconds (default 1500)
#   DIR=build/bench-numa  where the runs are kept
#   NOPOLICY=1          leave numa_policy, numa.* and move_at out of
#                       vms.conf (a monitor without the engine; plumbing)
# Writes build/bench-numa.txt (markdown), .csv, .json, .png and
# -moved.png (tools/bench-numa.py) and copies the figures to docs/img/.
# Fails (exit 1, the run's last lines) if a run does not power its VMs
# off cleanly, a program does not PASS or a plugin's file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-default}
OUT=${OUT:-build/bench-numa.txt}
DISCO_ELF=${DISCO_ELF:-build/disco.elf}
TIMEOUT=${TIMEOUT:-1500}
POLICIES=${POLICIES:-first-touch round-robin migrate migrate-replicate migrate@sample=1024,trigger=8 migrate-replicate@sample=1024,trigger=8}
NUMA_KEYS=${NUMA_KEYS:-}
NOPOLICY=${NOPOLICY:-0}
dir=${DIR:-build/bench-numa}
mkdir -p "$dir"
mark=0x110000000
icount=(-icount shift=0,sleep=off)
smp=8 mem=1G

RUNS=" ${RUNS:-suite2 suite4 share2 share4 moved2} "
wanted() { [[ $RUNS == *" $1 "* || $RUNS == *" ${1%%-*} "* ]]; }

for f in "$DISCO_ELF" build/ccnuma.so build/insncount.so build/pcprof.so build/linux/guest/vmlinux build/linux/splash.cpio "${MKDTS:-build/host/mkdts}"; do
	[ -e "$f" ] || { echo "bench-numa: $f is missing (make bench-numa builds it)" >&2; exit 1; }
done

# Sizes. The suite: splash's own (small: the test sizes). readshare: a
# table larger than the plugin's 1 MiB caches, read long enough for the
# engine's rate limit (moves_per_s) to matter. The moved VMs: the four
# boot in about 1 G instructions (1.4 s of virtual time, idle included) and
# reach their phase by 1.5 G; the move (move_at, ms of virtual time) comes
# within it, and the phase goes on long enough after it for the engine to
# bring a VM's table home.
case $SIZE in
small)
	share_t=2048 share_r=96
	moved_t=2048 moved_r=6000 moved_at=${MOVED_AT:-2500} interval=5 ;;
default)
	share_t=4096 share_r=256
	moved_t=4096 moved_r=4000 moved_at=${MOVED_AT:-3000} interval=10 ;;
*) echo "bench-numa: SIZE=$SIZE: small or default" >&2; exit 1 ;;
esac

fail() {	# RUN MESSAGE: the run's failure, loudly
	echo "bench-numa: $1 failed: $2" >&2
	[ -f "$dir/$1.log" ] && tail -n 30 "$dir/$1.log" >&2
	exit 1
}

# vm_section NAME POLICY VCPUS CPUS MEMORY CMDLINE [MOVE_AT]: one VM's
# section. The guest is told not to report RCU stalls: a report's NMI
# backtraces spin in udelay for seconds of virtual time (billions of
# instructions: an RCU stall was reported once after readshare's phase).
vm_section() {
	local name=$1 policy=$2 vcpus=$3 cpus=$4 memory=$5 cmdline=$6 move=${7:-} kv
	printf '[vm %s]\nkernel = vmlinux\ninitrd = splash.cpio\nmemory = %s\nvcpus = %s\ncpus = %s\ncmdline = console=ttyS0 panic=1 rcupdate.rcu_cpu_stall_suppress=1 %s\n' \
		"$name" "$memory" "$vcpus" "$cpus" "$cmdline"
	if [ "$NOPOLICY" != 1 ]; then
		# POLICY is NAME or NAME@KEY=VALUE,...: numa.KEY = VALUE for this run
		printf 'numa_policy = %s\n' "${policy%%@*}"
		for kv in $NUMA_KEYS $([[ $policy != *@* ]] || echo "${policy#*@}" | tr ',' ' '); do
			kv=numa.${kv#numa.}
			printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
		done
		[ -z "$move" ] || printf 'move_at = %s\n' "$move"
	fi
	echo
}

# boot RUN NODES VM...: builds RUN's bundle from $dir/RUN/vms.conf, runs it
# on numa=NODES with both plugins, and checks every VM named powered off
# with status 0 and the plugins wrote their files. QEMU is stopped early
# (SIGTERM: the plugins still write their files) when the monitor loaded
# fewer VMs than named, panicked, or the time is up.
boot() {
	local run=$1 nodes=$2 d=$dir/$1 log=$dir/$1.log vm start qpid n=0
	local prun=${1//,/,,}    # QEMU splits plugin arguments at commas: ",," is one
	shift 2
	cp build/linux/guest/vmlinux build/linux/splash.cpio "$d/"
	tools/mkbundle.sh "$d/vms.conf" "$d/bundle.cpio" "$d" > /dev/null
	for vm in "$@"; do
		cpio -it --quiet < "$d/bundle.cpio" | grep -qx "$vm.dtb" ||
			fail "$run" "${MKDTS:-build/host/mkdts} refused vm $vm of $d/vms.conf (a build without the NUMA keys? NOPOLICY=1 runs without them)"
	done
	rm -f "$dir/$run.json" "$dir/$run.count"
	start=$(date +%s)
	tools/qemu-malta.sh "${icount[@]}" -smp $smp -m $mem \
		-kernel "$DISCO_ELF" -initrd "$d/bundle.cpio" -append "numa=$nodes" \
		-plugin "$PWD/build/ccnuma.so,out=$dir/$prun.json,ram=$mem,numa=$nodes,mark=$mark,interval=$interval" \
		-plugin "$PWD/build/insncount.so,out=$dir/$prun.count,mode=inline,mark=$mark" \
		-plugin "$PWD/build/pcprof.so,out=$dir/$prun.prof" \
		< /dev/null > "$log.raw" 2>&1 &
	qpid=$!
	while kill -0 "$qpid" 2> /dev/null; do
		sleep 2
		n=$((n + 2))
		if [ "$n" -ge "$TIMEOUT" ] || grep -aq "PANIC on cpu" "$log.raw" ||
			{ grep -aqE "^disco: [0-9]+ of [0-9]+ VMs loaded" "$log.raw" &&
			  ! grep -aq "^disco: $# of $# VMs loaded" "$log.raw"; }; then
			kill -TERM "$qpid" 2> /dev/null || true
			sleep 5
			kill -KILL "$qpid" 2> /dev/null || true
			break
		fi
	done
	wait "$qpid" 2> /dev/null || true
	tr -d '\r' < "$log.raw" > "$log"
	rm -f "$log.raw" "$d/vmlinux" "$d/splash.cpio" "$d/bundle.cpio"
	echo "bench-numa: $run: $(($(date +%s) - start)) s" >&2
	[ "$n" -lt "$TIMEOUT" ] || fail "$run" "no end within TIMEOUT=${TIMEOUT}s"
	grep -q "^disco: error: vm" "$log" && fail "$run" "the monitor refused a VM: $(grep "^disco: error: vm" "$log" | head -n 1)"
	grep -q "PANIC on cpu" "$log" && fail "$run" "the monitor panicked"
	for vm in "$@"; do
		grep -q "^disco: vm $vm: powered off (exit status 0)" "$log" ||
			fail "$run" "vm $vm did not power off with status 0"
	done
	grep -q '^end$' "$dir/$run.count" 2>/dev/null || fail "$run" "no complete $dir/$run.count (insncount)"
	[ -s "$dir/$run.prof" ] || fail "$run" "no $dir/$run.prof (pcprof)"
	tools/pcprof-report.sh "$dir/$run.prof" "$DISCO_ELF" 100000 > "$dir/$run.functions"
	rm -f "$dir/$run.prof"
	/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/$run.json" 2>/dev/null ||
		fail "$run" "no complete $dir/$run.json (ccnuma)"
	if grep -aq '^\[[a-z0-9]*\] [a-z]*: FAIL' "$log"; then
		fail "$run" "a program failed its check: $(grep -a '^\[[a-z0-9]*\] [a-z]*: FAIL' "$log" | head -n 3)"
	fi
	if [ "$NOPOLICY" != 1 ] && ! grep -q "^disco: vm .*: numa: " "$log"; then
		fail "$run" "no 'disco: vm NAME: numa:' line (the engine's counts)"
	fi
}

# The 4-vCPU VM on CPUs 2-5 (two nodes, two vCPUs on each), 4 threads:
# the suite (RUN suiteN-POLICY) or readshare (shareN-POLICY).
splash_vm() {
	local exp=$1 nodes=$2 policy=$3 run=$1$2-$3 what
	wanted "$run" || return 0
	mkdir -p "$dir/$run"
	if [ "$exp" = suite ]; then
		what="disco.run=splash splash.p=4 splash.size=$SIZE"
	else
		what="disco.run=numa-readshare readshare.p=4 readshare.t=$share_t readshare.r=$share_r"
	fi
	echo "bench-numa: $run: 4 vCPUs on CPUs 2-5, numa=$nodes, $policy: $what" >&2
	vm_section splash "$policy" 4 2-5 256M "$what" > "$dir/$run/vms.conf"
	boot "$run" "$nodes" splash
	if [ "$exp" = suite ]; then
		grep -aq '^\[splash\] splash: 0 programs failed' "$dir/$run.log" || fail "$run" "splash did not end with 0 programs failed"
	else
		grep -aq '^\[splash\] readshare: PASS' "$dir/$run.log" || fail "$run" "readshare did not PASS"
	fi
}

# Four 1-vCPU VMs on CPUs 0-3, moved to CPUs 4-7 after moved_at ms.
moved_vms() {
	local nodes=$1 policy=$2 run=moved$1-$2 i
	wanted "$run" || return 0
	echo "bench-numa: $run: 4 uniprocessor VMs on CPUs 0-3 moved to 4-7 at ${moved_at} ms, numa=$nodes, $policy" >&2
	mkdir -p "$dir/$run"
	for i in 0 1 2 3; do
		vm_section "m$i" "$policy" 1 "$i" 64M "disco.run=numa-readshare readshare.t=$moved_t readshare.r=$moved_r" \
			"$moved_at:$((i + 4))"
	done > "$dir/$run/vms.conf"
	boot "$run" "$nodes" m0 m1 m2 m3
	[ "$(grep -ac '^\[m[0-3]\] readshare: PASS' "$dir/$run.log")" = 4 ] || fail "$run" "readshare did not PASS in every VM"
}

# The engine's functions (for its instructions in each run's profile by
# function): those defined in the objects ENGINE_OBJS beside DISCO_ELF,
# the NUMA engine and policies and the page moves and replicas they make
# (not the cross-CPU shoot-downs they ask for).
ENGINE_OBJS=${ENGINE_OBJS:-numa/*.o mmu/replica*.o mmu/pmap_replica.o mmu/page_move.o}
(cd "$(dirname "$DISCO_ELF")" && for o in $ENGINE_OBJS; do
	[ -f "$o" ] && [ "$o" != numa/topology.o ] || continue
	nm --defined-only "$o" | awk '$2 ~ /^[tT]$/ { print $3 }'
done) | sort -u > "$dir/engine-functions.txt"

for nodes in 2 4; do
	for policy in $POLICIES; do
		splash_vm suite "$nodes" "$policy"
		splash_vm share "$nodes" "$policy"
		moved_vms "$nodes" "$policy"
	done
done

/usr/bin/python3 tools/bench-numa.py --dir "$dir" --out "$OUT" --size "$SIZE" \
	--policies "$POLICIES" --moved-at "$moved_at" \
	--qemu "$(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}')"
mkdir -p docs/img
cp "${OUT%.txt}.png" docs/img/bench-numa.png
[ ! -f "${OUT%.txt}-moved.png" ] || cp "${OUT%.txt}-moved.png" docs/img/bench-numa-moved.png
cat "$OUT"
