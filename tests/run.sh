#!/usr/bin/env bash
# Runs every test: the host unit tests (cmocka), then the monitor's boot
# tests in QEMU, each under a timeout. Ends with "N passed, N failed".
# Logs go to build/test-logs/. Run through `make test`, which builds first.
# ONLY=REGEX runs just the tests whose names match (e.g. ONLY=bundle).
set -u
cd "$(dirname "$0")/.."

ELF=build/disco.elf
LOGS=build/test-logs
mkdir -p "$LOGS"
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "PASS $1"; }
selected() { [[ -z ${ONLY:-} || $1 =~ $ONLY ]]; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# ---- host unit tests: one cmocka binary per pure module ----
for bin in build/host/test_*; do
	[ -x "$bin" ] || continue
	name=host/$(basename "$bin")
	selected "$name" || continue
	out=$LOGS/$(basename "$bin").log
	"$bin" > "$out" 2>&1
	rc=$?
	ok=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out")
	bad=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out")
	ok=${ok:-0}
	bad=${bad:-0}
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1   # crashed or sanitizer abort
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -eq 0 ]; then
		echo "PASS $name ($ok cases)"
	else
		echo "FAIL $name: $bad of $((ok + bad)) cases failed, see $out"
		grep -E '^\[  (FAILED|ERROR) |[Ee]rror|runtime error' "$out" | head -n 10
	fi
done

# ---- every QEMU run goes through tools/qemu-malta.sh ----
# (malta's defaults want ROM files disco does not install; the script turns
# them off, and a script that starts QEMU itself would forget.)
if selected qemu-one-command-line; then
	strays=$(find . \( -path ./build -o -path ./.git \) -prune -o -type f \
		\( -name '*.sh' -o -name 'Makefile*' -o -name '*.py' -o -name 'run' \) \
		! -path ./tools/qemu-malta.sh -print | xargs grep -lE 'qemu-system-mips64e[l]|-M mal[t]a')
	if [ -z "$strays" ]; then
		pass qemu-one-command-line
	else
		fail qemu-one-command-line "QEMU started outside tools/qemu-malta.sh in: $strays"
	fi
fi

# ---- boot tests in QEMU ----
# qemu_test NAME CPUS MEM "APPEND" STATUS TIMEOUT [PATTERN...]
# Boots the monitor, expects QEMU's exit status STATUS and every PATTERN
# (extended regex) in the console output; a PATTERN starting with ! must not
# appear. Runs without guests have "semihosting" so test verdicts reach the
# exit status.
# Runs use -icount shift=0,sleep=off (virtual time follows instructions, so
# a loaded host cannot make a CPU miss its check-in window) unless ICOUNT=0,
# and get -initrd BUNDLE when BUNDLE is set. Runs with guests (BUNDLE set)
# get no -semihosting, which a guest could use to end QEMU: their exit
# status is 0 and the monitor's "power off (status N)" line is checked.
qemu_test() {
	local name=$1 cpus=$2 mem=$3 append=$4 want=$5 limit=$6
	shift 6
	selected "$name" || return 0
	local out=$LOGS/$name.log rc pattern extra=(-semihosting) semi=semihosting
	if [ -n "${BUNDLE:-}" ]; then
		extra=(-initrd "$BUNDLE")
		semi=
	fi
	[ "${ICOUNT:-1}" = 1 ] && extra+=(-icount shift=0,sleep=off)
	timeout -s KILL "$limit" tools/qemu-malta.sh \
		-smp "$cpus" -m "$mem" -kernel "$ELF" "${extra[@]}" \
		-append "$append $semi" < /dev/null > "$out" 2>&1
	rc=$?
	if [ "$rc" -eq 137 ]; then
		fail "$name" "timed out after ${limit}s, see $out"
		return
	fi
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit status $rc, want $want, see $out"
		return
	fi
	for pattern in "$@"; do
		if [ "${pattern:0:1}" = "!" ]; then
			if grep -Eq -- "${pattern:1}" "$out"; then
				fail "$name" "unexpected '${pattern:1}' in $out"
				return
			fi
		elif ! grep -Eq -- "$pattern" "$out"; then
			fail "$name" "no '$pattern' in $out"
			return
		fi
	done
	pass "$name"
}

# Every CPU checks in and the monitor powers off cleanly (SOFTRES).
for n in 1 2 4 8 16; do
	checkins=()
	for ((c = 1; c < n; c++)); do checkins+=("cpu $c online"); done
	qemu_test "boot-${n}cpu" "$n" 256M "poweroff" 0 60 \
		"cpus: $n online \\(0(-$((n - 1)))?\\)" "all $n CPUs online" \
		"${checkins[@]}" "disco: power off" '!PANIC'
done

qemu_test spinlock-16cpu 16 128M "test=spinlock iters=5000" 0 120 \
	"16 cpus x 5000 iterations: locked counter 80000, atomic counter 80000, overlaps 0" \
	"selftest spinlock: PASS"
qemu_test spinlock-4cpu 4 128M "test=spinlock iters=50000" 0 120 \
	"locked counter 200000, atomic counter 200000, overlaps 0" "selftest spinlock: PASS"
# The same on host time, where QEMU switches CPUs at other moments.
ICOUNT=0 qemu_test spinlock-16cpu-hosttime 16 128M "test=spinlock iters=5000" 0 120 \
	"16 cpus x 5000 iterations: locked counter 80000, atomic counter 80000, overlaps 0"

xcall_lines=()
for ((c = 0; c < 8; c++)); do xcall_lines+=("cpu 0 -> cpu $c: ran on cpu $c,"); done
qemu_test xcall-8cpu 8 128M "test=xcall iters=4" 0 120 \
	"${xcall_lines[@]}" "storm: cpu 7 served 28 calls \\(want 28\\)" \
	"selftest xcall: PASS"
ICOUNT=0 qemu_test xcall-8cpu-hosttime 8 128M "test=xcall iters=4" 0 120 \
	"${xcall_lines[@]}" "storm: cpu 7 served 28 calls \\(want 28\\)" \
	"selftest xcall: PASS"

qemu_test fault-cpu0 2 128M "test=fault" 1 60 \
	"PANIC on cpu 0: unexpected exception in the monitor: TLBL" \
	"TLB refill vector" "BadVAddr 0000000000000010" "EPC +ffffffff801" \
	"Cause +[0-9a-f]{6}08 " "ra +ffffffff801" '!the monitor survived'
qemu_test fault-cpu2 4 128M "test=fault fault_cpu=2" 1 60 \
	"PANIC on cpu 2: unexpected exception" "BadVAddr 0000000000000010"

qemu_test alloc-1G-2nodes 2 1G "test=alloc numa=2" 0 120 \
	"node 0: 13[0-9]{4} pages allocated, written and freed, 0 bad; free ([0-9]+) -> \\1" \
	"node 1: 131072 pages allocated, written and freed, 0 bad" \
	"node 1: largest block \\(order 10\\) again: ok" "selftest alloc: PASS"
qemu_test alloc-6M 1 6M "test=alloc" 0 60 \
	"node 0: 1[0-9]{3} pages allocated, written and freed, 0 bad" "selftest alloc: PASS"
qemu_test alloc-2G-explicit 4 2G "test=alloc numa=0:256M,1-2:1G,3:768M" 0 180 \
	"node 0: cpus 0, ram 00000000-0fffffff \\(256 MiB\\)" \
	"node 1: cpus 1-2, ram 10000000-4fffffff \\(1024 MiB\\)" \
	"node 2: cpus 3, ram 50000000-7fffffff \\(768 MiB\\)" \
	"selftest alloc: PASS"

# Bad input gets a clear message and the default, and the boot goes on.
qemu_test numa-too-many-nodes 4 256M "test=boot numa=8" 0 60 \
	"error: numa=8: more nodes than the 4 CPUs online; using one node" \
	"numa: 1 node" "selftest boot: PASS"
qemu_test numa-cpu-missing 4 256M "test=boot numa=0-1:128M" 0 60 \
	"error: numa: every CPU must be in a node \\(4 CPUs online\\); using one node" \
	"selftest boot: PASS"
qemu_test numa-too-much-ram 2 256M "test=boot numa=0:128M,1:256M" 0 60 \
	"error: numa: nodes ask for more than the 256 MiB of RAM; using one node" \
	"selftest boot: PASS"
qemu_test numa-even 4 256M "test=boot numa=2" 0 60 \
	"node 0: cpus 0-1, ram 00000000-07ffffff \\(128 MiB\\)" \
	"node 1: cpus 2-3, ram 08000000-0fffffff \\(128 MiB\\)" "selftest boot: PASS"
qemu_test bad-hz 1 128M "test=boot hz=5" 0 60 \
	"hz=5: want 10 to 10000; using 1000" "tick: 1000 Hz" "selftest boot: PASS"
qemu_test unknown-test 1 128M "test=nonesuch poweroff" 0 60 \
	"test=nonesuch: no such test" "disco: power off"

# ---- VMs from a boot bundle (-initrd): loaded, or rejected one by one ----
tools/mkbundle.sh tests/qemu/bundles/good.conf "$LOGS/good.cpio" build/guest-images
head -c $((2 << 20)) /dev/zero > "$LOGS/big.img"
tools/mkbundle.sh tests/qemu/bundles/bad.conf "$LOGS/bad.cpio" build/guest-images "$LOGS"
BUNDLE=$LOGS/good.cpio qemu_test bundle-good 2 256M "test=boot numa=2" 0 60 \
	'vm alpha: 2 vCPUs, 16 MiB \(node 1: 4096 pages\), kernel hello.elf entry 4000000000100000, dtb at ff0000, cmdline "console=ttyS0 quiet"' \
	'vm beta: 1 vCPU, 8 MiB \(node 0: 2048 pages\)' "2 of 2 VMs loaded" "selftest boot: PASS"
BUNDLE=$LOGS/bad.cpio qemu_test bundle-bad 2 256M "test=boot" 0 60 \
	"error: vm typo, line 4: unknown key 'colour'; not started" \
	"error: vm greedy, line 8: memory: 4096 MiB asked, [0-9]+ MiB free; not started" \
	"error: vm lost, line 11: kernel 'nowhere.elf': not in the boot bundle; not started" \
	"error: vm notelf, line 14: kernel 'vms.conf': not an ELF file; not started" \
	"error: vm tiny, line 17: kernel 'hello.elf': segment at 4000000000100000 is outside the VM's memory" \
	"error: vm offline, line 22: cpus: CPU 2 is not online \(2 CPUs\); not started" \
	"error: vm noinitrd, line 26: initrd 'nowhere.cpio': not in the boot bundle; not started" \
	"error: vm fatinitrd, line 31: initrd 'big.img': 2048 KiB does not fit between the kernel and the device tree \\(memory 2 MiB\\); not started" \
	"vm good: 1 vCPU, 4 MiB" "1 of 9 VMs loaded" "selftest boot: PASS"
# Both VMs of good.conf run: alpha's two vCPUs both start at the entry
# point (as malta's CPUs do), the first to power off ends the VM.
BUNDLE=$LOGS/good.cpio qemu_test guest-hello 2 256M "numa=2" 0 60 \
	"vm alpha: vcpu 1 on cpu 1" \
	"\\[alpha\\] hello from a disco guest in supervisor mode" \
	"\\[beta\\] hello from a disco guest in supervisor mode" \
	"vm alpha: powered off \\(exit status 0\\)" "vm beta: powered off \\(exit status 0\\)" \
	"emulated: hypercall=[1-9]" "all VMs have ended; power off \\(status 0\\)"
# A misbehaving guest is stopped with a report and never gets through.
one_vm() {          # NAME IMAGE: a bundle with one VM
	printf '[vm %s]\nkernel = %s\nmemory = 8M\n' "$1" "$2" > "$LOGS/$1.conf"
	tools/mkbundle.sh "$LOGS/$1.conf" "$LOGS/$1.cpio" build/guest-images
}
misbehave() {       # NAME IMAGE "REPORT..."
	local name=$1 image=$2
	shift 2
	one_vm "$name" "$image"
	BUNDLE=$LOGS/$name.cpio qemu_test "guest-$name" 1 128M "" 0 60 \
		"vm $name: .*\\(exit status 1\\)" "$@" "power off \\(status 1\\)" '!only reached if'
}
misbehave wild wild-memory.elf "exception 7 at 40000000001000[0-9a-f]+ with Status.BEV = 1"
misbehave wildtlb wild-tlb.elf "exception 7 at 40000000001000[0-9a-f]+ with Status.BEV = 1"
misbehave snoop monitor-memory.elf "access to a segment a VM does not have"
misbehave garbage garbage.elf "exception 10 at 4000000000100000 with Status.BEV = 1"
misbehave sdbbp sdbbp.elf "sdbbp at 40000000001000[0-9a-f]+ \\(EJTAG debug mode is not available in a VM\\)"
# k0/k1 survive the monitor's ticks while a guest runs.
one_vm kregs kregs.elf
BUNDLE=$LOGS/kregs.cpio qemu_test guest-kregs 1 128M "" 0 60 \
	"vm kregs: powered off \\(exit status 0\\)" "traps: int=[1-9]"
# Good guests finish beside bad ones, and beside one that spins with its
# interrupts masked (it is preempted: the others end first).
cat > "$LOGS/mix.conf" <<'CONF'
[vm spin]
kernel = spin.elf
memory = 4M
cpus = 0
[vm good1]
kernel = hello.elf
memory = 4M
cpus = 0
[vm wild]
kernel = wild-memory.elf
memory = 4M
[vm garbage]
kernel = garbage.elf
memory = 4M
[vm good2]
kernel = kregs.elf
memory = 4M
[vm sdbbp]
kernel = sdbbp.elf
memory = 4M
cpus = 1
CONF
tools/mkbundle.sh "$LOGS/mix.conf" "$LOGS/mix.cpio" build/guest-images
BUNDLE=$LOGS/mix.cpio qemu_test guest-mix 2 128M "" 0 120 \
	"vm good1: powered off \\(exit status 0\\)" "vm good2: powered off \\(exit status 0\\)" \
	"vm wild: .*\\(exit status 1\\)" "vm garbage: .*\\(exit status 1\\)" \
	"vm spin: powered off \\(exit status 0\\)" "vm sdbbp: debug breakpoint \\(sdbbp\\) \\(exit status 1\\)" \
	"all VMs have ended; power off \\(status 1\\)"
if selected guest-mix; then
good_line=$(grep -n 'vm good1: powered off' "$LOGS/guest-mix.log" 2>/dev/null | cut -d: -f1)
spin_line=$(grep -n 'vm spin: powered off' "$LOGS/guest-mix.log" 2>/dev/null | cut -d: -f1)
if [ -n "$good_line" ] && [ -n "$spin_line" ] && [ "$good_line" -lt "$spin_line" ]; then
	pass guest-mix-no-starvation
else
	fail guest-mix-no-starvation "good1 (line ${good_line:-none}) must end before spin (line ${spin_line:-none}) on their shared CPU"
fi
fi
echo "not a cpio archive" > "$LOGS/junk.cpio"
BUNDLE=$LOGS/junk.cpio qemu_test bundle-junk 1 128M "test=boot" 0 60 \
	"error: the boot bundle \(-initrd\) has no vms.conf" "selftest boot: PASS"

# Two VMs on one CPU with different FPU register patterns, yielding to each
# other 200 times: each finds its 32 registers and FCSR intact.
printf '[vm fpu1]\nkernel = fpu1.elf\nmemory = 4M\ncpus = 0\n[vm fpu2]\nkernel = fpu2.elf\nmemory = 4M\ncpus = 0\n' > "$LOGS/fpu.conf"
tools/mkbundle.sh "$LOGS/fpu.conf" "$LOGS/fpu.cpio" build/guest-images
BUNDLE=$LOGS/fpu.cpio qemu_test guest-fpu-switch 1 128M "" 0 60 \
	"vm fpu1: powered off \\(exit status 0\\)" "vm fpu2: powered off \\(exit status 0\\)" \
	"emulated: .*hypercall=20[0-9]" "all VMs have ended; power off \\(status 0\\)"

# The hostile-guest suite: attacks beside a victim VM (tests/hostile.sh).
source tests/hostile.sh

# ---- equivalence: the same guest program on the bare machine and in VMs ----
# equivalence NAME BARE_ELF BARE_CPUS CONFIG CPUS MEM VM...: runs BARE_ELF
# on the bare machine (the oracle), then the monitor with CONFIG's bundle;
# every VM named must print exactly the oracle's lines, in order.
equivalence() {
	local name=$1 bare=$2 bare_cpus=$3 config=$4 cpus=$5 mem=$6
	shift 6
	local oracle=$LOGS/$name.bare.txt log=$LOGS/$name.log vm rc
	selected "$name" || return 0
	tests/unit-bare.sh "$bare" "$bare_cpus" -icount shift=0,sleep=off > "$oracle" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] || [ ! -s "$oracle" ]; then
		fail "$name" "the bare-machine run failed (status $rc), see $oracle"
		return
	fi
	tools/mkbundle.sh "$config" "$LOGS/$name.cpio" build/guest-images
	timeout -s KILL 300 tools/qemu-malta.sh \
		-icount shift=0,sleep=off -smp "$cpus" -m "$mem" -kernel "$ELF" \
		-initrd "$LOGS/$name.cpio" < /dev/null 2>&1 |
		tr -d '\r' > "$log"
	for vm in "$@"; do
		sed -n "s/^\\[$vm\\] //p" "$log" > "$LOGS/$name.$vm.txt"
		if ! diff -u "$oracle" "$LOGS/$name.$vm.txt" > "$LOGS/$name.$vm.diff"; then
			fail "$name" "vm $vm differs from the bare machine: $(grep -c '^[-+][^-+]' "$LOGS/$name.$vm.diff") lines, see $LOGS/$name.$vm.diff"
			return
		fi
	done
	if ! grep -q "all VMs have ended; power off (status 0)" "$log"; then
		fail "$name" "the VMs did not all end, see $log"
		return
	fi
	pass "$name ($(wc -l < "$oracle") lines identical in $# VM(s))"
}
unit_vms() {        # COUNT [extra lines]: a config with COUNT unit-guest VMs
	for ((i = 1; i <= $1; i++)); do
		printf '[vm unit%d]\nkernel = unit.elf\nmemory = 64M\n%s\n' "$i" "${2:-}"
	done
}
unit_vms 1 > "$LOGS/unit1.conf"
equivalence unit-equivalence build/guest-images/unit-bare.elf 1 "$LOGS/unit1.conf" 1 256M unit1
tests=$(sed -n 's/^unit: \([0-9]*\) tests$/\1/p' "$LOGS/unit-equivalence.bare.txt")
selected unit-count && if [ "${tests:-0}" -ge 80 ]; then pass "unit-count ($tests tests)"; else fail unit-count "only ${tests:-0} unit tests"; fi
unit_vms 4 > "$LOGS/unit4.conf"
equivalence unit-4vms-2cpus build/guest-images/unit-bare.elf 1 "$LOGS/unit4.conf" 2 512M \
	unit1 unit2 unit3 unit4
printf '[vm smp]\nkernel = smp.elf\nvcpus = 4\nmemory = 16M\n' > "$LOGS/smp.conf"
equivalence smp-4vcpus-2cpus build/guest-images/smp-bare.elf 4 "$LOGS/smp.conf" 2 256M smp

# ---- Linux guests (the disco guest kernel from make linux) ----
linux_vms() {       # CONF NAME:RUN[:CPUS]...: a config of 64 MiB Linux VMs
	local conf=$1 spec name run cpus
	shift
	: > "$conf"
	for spec in "$@"; do
		IFS=: read -r name run cpus <<< "$spec"
		printf '[vm %s]\nkernel = vmlinux\nmemory = 64M\ncmdline = console=ttyS0 panic=1 disco.run=%s\n%s\n' \
			"$name" "$run" "${cpus:+cpus = $cpus}" >> "$conf"
	done
}
# Popek and Goldberg at the system-call level: the equivalence programs
# (guest-images/linux/equiv, an initrd over the built-in initramfs) on the
# native kernel on the bare board, then in a VM: their lines must match.
linux_equivalence_test() {
	local name=linux-equivalence oracle=$LOGS/linux-equiv.native.txt log=$LOGS/linux-equiv.log
	local lines='^(sc-[a-z]+|equiv): ' dir=$LOGS/linux-equiv
	selected "$name" || return 0
	# 120 s: the native power-off sometimes spins; the lines are in by then
	timeout -s KILL 120 tools/qemu-malta.sh -m 128M \
		-kernel build/linux/native/vmlinux -initrd build/linux/equiv.cpio \
		-append "console=ttyS0 disco.run=equiv" < /dev/null 2>&1 | tr -d '\r' > "$LOGS/linux-equiv.native.log"
	grep -E "$lines" "$LOGS/linux-equiv.native.log" > "$oracle"
	if ! grep -q '^equiv: 0 programs failed$' "$oracle" || ! grep -q '^equiv: done$' "$oracle"; then
		fail "$name" "the native run failed, see $LOGS/linux-equiv.native.log"
		return
	fi
	mkdir -p "$dir"
	cp build/linux/equiv.cpio "$dir/"
	printf '[vm equiv]\nkernel = vmlinux\ninitrd = equiv.cpio\nmemory = 128M\ncmdline = console=ttyS0 disco.run=equiv\n' > "$dir/vms.conf"
	tools/mkbundle.sh "$dir/vms.conf" "$dir/bundle.cpio" build/linux/guest "$dir"
	timeout -s KILL 600 tools/qemu-malta.sh -smp 1 -m 256M \
		-kernel "$ELF" -initrd "$dir/bundle.cpio" < /dev/null 2>&1 | tr -d '\r' > "$log"
	sed -n 's/^\[equiv\] //p' "$log" | grep -E "$lines" > "$LOGS/linux-equiv.vm.txt"
	if ! diff -u "$oracle" "$LOGS/linux-equiv.vm.txt" > "$LOGS/linux-equiv.diff"; then
		fail "$name" "the VM differs from the native kernel: $(grep -c '^[-+][^-+]' "$LOGS/linux-equiv.diff") lines, see $LOGS/linux-equiv.diff"
	elif ! grep -q 'vm equiv: powered off (exit status 0)' "$log"; then
		fail "$name" "the VM did not power off cleanly, see $log"
	else
		pass "$name ($(wc -l < "$oracle") lines identical, $(awk '$3 == "checks," { n += $2 } END { print n }' "$oracle") checks)"
	fi
}
# The keyboard reaches the focused VM's shell through its emulated UART:
# waits for the prompt, types a command, lists the VMs (Ctrl-] l), powers
# the guest off from its shell.
# Two shells on two CPUs: typed input reaches the focused one; the monitor
# prompt (Ctrl-] :) lists the VMs, shows one's counts and stops the other.
linux_console_test() {
	local name=linux-console in=$LOGS/linux-console.in out=$LOGS/linux-console.log pid i
	selected "$name" || return 0
	printf '[vm shell%d]\nkernel = vmlinux\nmemory = 64M\ncmdline = console=ttyS0\n' 1 2 > "$LOGS/shell.conf"
	tools/mkbundle.sh "$LOGS/shell.conf" "$LOGS/shell.cpio" build/linux/guest
	rm -f "$in"
	mkfifo "$in"
	timeout -s KILL 300 tools/qemu-malta.sh -smp 2 \
		-m 256M -kernel "$ELF" -initrd "$LOGS/shell.cpio" < "$in" > "$out" 2>&1 &
	pid=$!
	exec 3> "$in"
	wait_for() { for ((i = 0; i < 400; i++)); do grep -aq -- "$1" "$out" && return 0; sleep 0.5; done; return 1; }
	if wait_for '\[shell1\] / # ' && wait_for '\[shell2\] / # '; then
		printf 'echo typed-$((6*7))\n' >&3
		wait_for '\[shell1\] typed-42'
		printf '\035l' >&3
		wait_for 'shell1: running'
		printf '\035:list\rstats 1\rstop shell2\rstop nosuch\r\r' >&3
		wait_for 'vm shell2: stopped from the monitor prompt'
		printf 'poweroff -f\n' >&3
	fi
	wait "$pid"
	exec 3>&-
	rm -f "$in"
	for pattern in '\[shell1\] typed-42' '!\[shell2\] typed-42' \
		'disco: \*1 shell1: running, 1 vCPU, traps [1-9][0-9]*: emulated [1-9]' \
		'disco: vm shell1: emulated: .*mfc0=[1-9]' 'disco: stopping vm shell2' \
		"disco: no VM 'nosuch'" 'vm shell2: stopped from the monitor prompt \(exit status 0\)' \
		'vm shell1: powered off \(exit status 0\)' 'all VMs have ended; power off \(status 0\)'; do
		if [[ $pattern == !* ]]; then
			! grep -aEq -- "${pattern#!}" "$out" || { fail "$name" "'${pattern#!}' in $out"; return; }
		else
			grep -aEq -- "$pattern" "$out" || { fail "$name" "no '$pattern' in $out"; return; }
		fi
	done
	pass "$name"
}
if [ -f build/linux/guest/vmlinux ]; then
	linux_vms "$LOGS/linux1.conf" linux1:tmpfs-test
	tools/mkbundle.sh "$LOGS/linux1.conf" "$LOGS/linux1.cpio" build/linux/guest
	# On host time: -icount makes QEMU ~9x slower on Linux (110 s to boot).
	ICOUNT=0 BUNDLE=$LOGS/linux1.cpio qemu_test linux-boot 1 256M "trapsites" 0 300 \
		"\\[linux1\\] Run /init as init process" "\\[linux1\\] init: up \\(6\\.1\\." \
		"disco: vm linux1: vcpu 0: [0-9]+ emulated instructions, the most frequent sites:" \
		"disco: vm linux1:   4000000000[0-9a-f]{6} eret +[0-9]+" \
		"\\[linux1\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux1\\] tmpfs-test: cpu loop done, acc=[0-9]+" \
		"\\[linux1\\] init: tmpfs-test exited with status 0" \
		"vm linux1: powered off \\(exit status 0\\)" '!Kernel panic|Oops|BUG:'
	linux_vms "$LOGS/linux4.conf" linux1:tmpfs-test linux2:tmpfs-test linux3:tmpfs-test linux4:tmpfs-test
	tools/mkbundle.sh "$LOGS/linux4.conf" "$LOGS/linux4.cpio" build/linux/guest
	ICOUNT=0 BUNDLE=$LOGS/linux4.cpio qemu_test linux-4vms-4cpus 4 512M "" 0 600 \
		"vm linux1: vcpu 0 on cpu 0" "vm linux4: vcpu 0 on cpu 3" \
		"\\[linux1\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux2\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux3\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux4\\] tmpfs-test: 4 files, 4000 lines verified" \
		"vm linux1: powered off \\(exit status 0\\)" "vm linux2: powered off \\(exit status 0\\)" \
		"vm linux3: powered off \\(exit status 0\\)" "vm linux4: powered off \\(exit status 0\\)" \
		"all VMs have ended; power off \\(status 0\\)" '!Kernel panic|Oops|BUG:'
	linux_vms "$LOGS/linux-panic.conf" crash:panic-test:0 calm:tmpfs-test:1
	tools/mkbundle.sh "$LOGS/linux-panic.conf" "$LOGS/linux-panic.cpio" build/linux/guest
	ICOUNT=0 BUNDLE=$LOGS/linux-panic.cpio qemu_test linux-panic-alone 2 256M "" 0 300 \
		"\\[crash\\] Kernel panic - not syncing: sysrq triggered crash" \
		"vm crash: rebooted \\(a VM reboot ends it\\) \\(exit status 0\\)" \
		"\\[calm\\] tmpfs-test: 4 files, 4000 lines verified" \
		"vm calm: powered off \\(exit status 0\\)" "all VMs have ended"
	linux_console_test
	linux_equivalence_test
else
	fail linux-guests "build/linux/guest/vmlinux is missing (make linux)"
fi

# ---- the measurement tool ----
# Under -icount two identical runs must agree within 0.5% (QEMU's I/O
# thread can shift a timer by a few instructions; most runs are identical);
# every CPU runs the 97-instruction boot ROM stub exactly once; one
# check-in marker per CPU.
plugin_test() {
	local name=plugin-counts out=$LOGS/plugin a b c retry=
	local mark=0x$(nm "$ELF" | awk '$3 == "bench_mark" { print $1 }')
	selected "$name" || return 0
	run() {         # N: the run's total in $total
		total=
		timeout -s KILL 60 tools/qemu-malta.sh \
			-semihosting -icount shift=0,sleep=off -smp 4 -m 128M -kernel "$ELF" \
			-append "test=spinlock iters=2000 semihosting" \
			-plugin "$PWD/build/insncount.so,out=$out.$1.txt,mark=$mark" \
			< /dev/null > "$out.$1.log" 2>&1 || { fail $name "run $1 failed, see $out.$1.log"; return 1; }
		total=$(sed -n 's/^total all \([0-9]*\).*/\1/p' "$out.$1.txt")
	}
	close() { [ -n "$1" ] && [ -n "$2" ] && [ $(( ($1 > $2 ? $1 - $2 : $2 - $1) * 1000 )) -le $(( $1 * 5 )) ]; }
	run 1 && a=$total && run 2 && b=$total || return
	if ! close "$a" "$b"; then
		# Seen once in a full run (2.03 M against 1.13 M): a third run
		# says which of the two was the odd one; the PASS line reports it.
		run 3 && c=$total || return
		if close "$a" "$c"; then retry=", run 2 gave $b"; b=$c
		elif close "$b" "$c"; then retry=", run 1 gave $a"; a=$c; cp "$out.3.txt" "$out.1.txt"
		else fail $name "totals '$a', '$b' and '$c' differ by more than 0.5%"; return; fi
	fi
	if ! grep -q '^total all [0-9]* monitor [0-9]* kernel 0 user 0 other 388$' "$out.1.txt"; then
		fail $name "unexpected region split in $out.1.txt"
	elif [ "$(grep -c '^mark ' "$out.1.txt")" -ne 4 ]; then
		fail $name "want 4 check-in marks in $out.1.txt"
	else
		pass "$name ($a and $b instructions$retry)"
	fi
}
plugin_test

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
