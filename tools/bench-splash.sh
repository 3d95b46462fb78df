#!/usr/bin/env bash
# make bench-splash: the SPLASH-style suite (guest-images/splash) natively
# on the uniprocessor board and in SMP VMs, counted in instructions by the
# insncount plugin under -icount shift=0,sleep=off:
#   native   the native kernel, 1 CPU, 1 thread per program
#   vm1      a VM of 1 vCPU, 1 thread, on a 4-CPU machine
#   vm2      a VM of 2 vCPUs, 2 threads, on 4 CPUs
#   vm4      a VM of 4 vCPUs, 4 threads, on 4 CPUs
# and, for lock-holder preemption, a VM of 4 vCPUs on 2 CPUs, 4 threads,
# with the guest's directed yield (spin4on2) and without it
# (spin4on2-noyield, disco.spin_yield=0), profiled by function (pcprof) to
# find the instructions its spin loops take.
#
# Each program's parallel phase is between its bench_mark(1) and (2), which
# the plugin snapshots per CPU (the vCPUs of a VM sit one per CPU here, so
# per CPU is per vCPU) and the monitor snapshots as the VM's trap counts.
# QEMU runs every CPU on one host thread: wall-clock speed-ups mean
# nothing here, instructions do.
#
# SIZE=small|default (default: default) picks the problem sizes; RUNS
# (default "native vm1 vm2 vm4 spin") which runs to make (the others' logs
# in build/bench-splash/ are reused). Writes
# build/bench-splash.txt (markdown), .csv, .json and .png
# (tools/bench-splash.py), and keeps the runs' logs in build/bench-splash/.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-default}
OUT=${OUT:-build/bench-splash.txt}
DISCO_ELF=${DISCO_ELF:-build/disco.elf}
dir=build/bench-splash
mkdir -p "$dir"
mark=0x110000000 done_mark=0x110010000
icount=(-icount shift=0,sleep=off)

RUNS=" ${RUNS:-native vm1 vm2 vm4 spin} "
wanted() { [[ $RUNS == *" $1 "* ]]; }

if wanted native; then
	echo "bench-splash: native, 1 thread ($SIZE)" >&2
	timeout -s KILL 3600 tools/qemu-malta.sh "${icount[@]}" -smp 1 -m 256M \
		-kernel build/linux/native/vmlinux -initrd build/linux/splash.cpio \
		-append "console=ttyS0 disco.run=splash splash.p=1 splash.size=$SIZE" \
		-plugin "$PWD/build/insncount.so,out=$dir/native.count,mark=$mark,mark=$done_mark,stopafter=1" \
		< /dev/null 2>&1 | tr -d '\r' > "$dir/native.log" || true
	grep -q '^splash: done' "$dir/native.log" ||
		{ echo "bench-splash: the native run failed:" >&2; tail -n 30 "$dir/native.log" >&2; exit 1; }
fi

# vm NAME CPUS VCPUS THREADS "GUEST ARGS" QEMU-ARGS...: one VM's run
vm() {
	local name=$1 cpus=$2 vcpus=$3 threads=$4 extra=$5
	shift 5
	local d=$dir/$name
	echo "bench-splash: $name: $vcpus vCPU(s) on $cpus CPU(s), $threads thread(s)" >&2
	mkdir -p "$d"
	cp build/linux/guest/vmlinux build/linux/splash.cpio "$d/"
	printf '[vm splash]\nkernel = vmlinux\ninitrd = splash.cpio\nmemory = 256M\nvcpus = %s\ncmdline = console=ttyS0 disco.run=splash splash.p=%s splash.size=%s %s\n' \
		"$vcpus" "$threads" "$SIZE" "$extra" > "$d/vms.conf"
	tools/mkbundle.sh "$d/vms.conf" "$d/bundle.cpio" "$d" > /dev/null
	timeout -s KILL 3600 tools/qemu-malta.sh "${icount[@]}" -smp "$cpus" -m 1G \
		-kernel "$DISCO_ELF" -initrd "$d/bundle.cpio" "$@" \
		< /dev/null 2>&1 | tr -d '\r' > "$dir/$name.log" || true
	grep -q '^disco: vm splash: powered off (exit status 0)' "$dir/$name.log" ||
		{ echo "bench-splash: $name failed:" >&2; tail -n 30 "$dir/$name.log" >&2; exit 1; }
	rm -f "$d/vmlinux" "$d/bundle.cpio" "$d/splash.cpio"
}
count() { echo "$PWD/build/insncount.so,out=$dir/$1.count,mark=$mark"; }

for n in 1 2 4; do
	if wanted vm$n; then vm vm$n 4 $n $n "" -plugin "$(count vm$n)"; fi
done
if wanted spin; then
	vm spin4on2 2 4 4 "" -plugin "$(count spin4on2)" -plugin "$PWD/build/pcprof.so,out=$dir/spin4on2.prof"
	vm spin4on2-noyield 2 4 4 "disco.spin_yield=0" -plugin "$(count spin4on2-noyield)" \
		-plugin "$PWD/build/pcprof.so,out=$dir/spin4on2-noyield.prof"
fi
for run in spin4on2 spin4on2-noyield; do
	tools/pcprof-report.sh "$dir/$run.prof" build/linux/guest/vmlinux 100000 > "$dir/$run.functions"
done

/usr/bin/python3 tools/bench-splash.py --dir "$dir" --out "$OUT" --size "$SIZE" \
	--qemu "$(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}')"
cat "$OUT"
