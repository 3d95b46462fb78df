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

# comes_first LOG FIRST SECOND: true if the first line of LOG matching FIRST
# (a grep pattern) comes before the first matching SECOND; their line
# numbers ("none" where nothing matched) are left in $order_lines.
comes_first() {
	local a b
	a=$(grep -an -m1 -- "$2" "$1" 2> /dev/null | cut -d: -f1)
	b=$(grep -an -m1 -- "$3" "$1" 2> /dev/null | cut -d: -f1)
	order_lines="line ${a:-none}, line ${b:-none}"
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}

# order_test TEST NAME FIRST SECOND WHY: after TEST (if it was selected),
# NAME passes if FIRST's line comes before SECOND's in TEST's log.
order_test() {
	selected "$1" || return 0
	if comes_first "$LOGS/$1.log" "$3" "$4"; then
		pass "$2"
	else
		fail "$2" "$5 ($order_lines)"
	fi
}

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
# (extended regex, no top-level |) at the start of a console line; a PATTERN
# starting with ! must appear nowhere, anywhere in a line. Runs without
# guests have "semihosting" so test verdicts reach the exit status.
# Anchored patterns keep a guest from passing a test: a guest's lines
# always start with "[name] " (its bytes that are not printable are shown
# escaped, so it cannot start a line of its own), so a pattern for a guest
# line starts with \[name\] and one for a monitor line with the monitor's
# prefix: "disco: ", "PANIC on cpu", "selftest ", a self-test's name
# ("spinlock: "), or the panic dump's two spaces.
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
		return 1
	fi
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit status $rc, want $want, see $out"
		return 1
	fi
	for pattern in "$@"; do
		if [ "${pattern:0:1}" = "!" ]; then
			if grep -aEq -- "${pattern:1}" "$out"; then
				fail "$name" "unexpected '${pattern:1}' in $out"
				return 1
			fi
		elif ! grep -aEq -- "^$pattern" "$out"; then
			fail "$name" "no '$pattern' in $out"
			return 1
		fi
	done
	pass "$name"
}

# Every CPU checks in and the monitor powers off cleanly (SOFTRES).
for n in 1 2 4 8 16; do
	checkins=()
	for ((c = 1; c < n; c++)); do checkins+=("disco: cpu $c online"); done
	qemu_test "boot-${n}cpu" "$n" 256M "poweroff" 0 60 \
		"disco: cpus: $n online \\(0(-$((n - 1)))?\\)" "disco: all $n CPUs online" \
		"${checkins[@]}" "disco: power off" '!PANIC'
done

qemu_test spinlock-16cpu 16 128M "test=spinlock iters=5000" 0 120 \
	"spinlock: 16 cpus x 5000 iterations: locked counter 80000, atomic counter 80000, overlaps 0" \
	"selftest spinlock: PASS"
qemu_test spinlock-4cpu 4 128M "test=spinlock iters=50000" 0 120 \
	"spinlock: 4 cpus x 50000 iterations: locked counter 200000, atomic counter 200000, overlaps 0" \
	"selftest spinlock: PASS"
# The same on host time, where QEMU switches CPUs at other moments (and, on
# a loaded host, a CPU may check in too late and be parked: the counts must
# then be those of the CPUs that run).
ICOUNT=0 qemu_test spinlock-16cpu-hosttime 16 128M "test=spinlock iters=5000" 0 120 \
	"spinlock: 1[2-6] cpus x 5000 iterations: locked counter ([0-9]+), atomic counter \\1, overlaps 0 \\(want \\1, \\1, 0\\)" \
	"selftest spinlock: PASS"

xcall_lines=()
for ((c = 0; c < 8; c++)); do xcall_lines+=("xcall: cpu 0 -> cpu $c: ran on cpu $c,"); done
qemu_test xcall-8cpu 8 128M "test=xcall iters=4" 0 120 \
	"${xcall_lines[@]}" "xcall: storm: cpu 7 served 28 calls \\(want 28\\)" \
	"selftest xcall: PASS"
ICOUNT=0 qemu_test xcall-8cpu-hosttime 8 128M "test=xcall iters=4" 0 120 \
	"${xcall_lines[@]}" "xcall: storm: cpu 7 served 28 calls \\(want 28\\)" \
	"selftest xcall: PASS"

# CPU 0 asks for one-shot deadlines (a vCPU's Compare just ahead of Count)
# over and over while CPU 1 is busy: every tick still comes. QEMU runs the
# other CPU after each Compare write, often past the value written; such a
# write was taken for a late one, the pending tick thrown away and the next
# asked for periods later, further each time (this test then never ended).
# Then CPU 0 idles with a tick pending: taken at the idle's ei, it ends the
# idle at once (it used to leave the CPU asleep until the next interrupt).
qemu_test timer-deadlines 2 128M "test=timer periods=200" 0 60 \
	"timer: 200 periods: [0-9]+ ticks," "timer: idle with a tick pending: slept [0-9]+ Count ticks" \
	"selftest timer: PASS"

# The real TLB functions against the CPU's own tlbp/tlbr: one pair under two
# real ASIDs, a pair entered again, a large page over smaller ones, the
# frame, one-ASID and all-ASID flushes, a new ASID generation.
qemu_test tlb-selftest 1 128M "test=tlb" 0 60 \
	"tlb: a 16 KiB pair over two 4 KiB pairs of its ASID: one entry: ok" \
	"tlb: 256 guest ASIDs: a new generation, the TLB flushed, old maps stale: ok" \
	"selftest tlb: PASS" '!FAILED'

qemu_test fault-cpu0 2 128M "test=fault" 1 60 \
	"PANIC on cpu 0: unexpected exception in the monitor: TLBL" \
	"  exception 2 TLBL .*, TLB refill vector" "  EPC +ffffffff801[0-9a-f]+  BadVAddr 0000000000000010" \
	"  Cause +[0-9a-f]{6}08 " "  gp .* ra +ffffffff801" '!the monitor survived'
qemu_test fault-cpu2 4 128M "test=fault fault_cpu=2" 1 60 \
	"PANIC on cpu 2: unexpected exception" "  EPC .*  BadVAddr 0000000000000010"

# node 0 loses the monitor image and its frame tables (the allocator's and
# the memmap's, 5 MiB for 1 GiB): about 129,600 of its 131,072 pages
qemu_test alloc-1G-2nodes 2 1G "test=alloc numa=2" 0 120 \
	"alloc: node 0: 129[0-9]{3} pages allocated, written and freed, 0 bad; free ([0-9]+) -> \\1" \
	"alloc: node 1: 131072 pages allocated, written and freed, 0 bad" \
	"alloc: node 1: largest block \\(order 10\\) again: ok" "selftest alloc: PASS"
qemu_test alloc-6M 1 6M "test=alloc" 0 60 \
	"alloc: node 0: 1[0-9]{3} pages allocated, written and freed, 0 bad" "selftest alloc: PASS"
qemu_test alloc-2G-explicit 4 2G "test=alloc numa=0:256M,1-2:1G,3:768M" 0 180 \
	"disco:   node 0: cpus 0, ram 00000000-0fffffff \\(256 MiB\\)" \
	"disco:   node 1: cpus 1-2, ram 10000000-4fffffff \\(1024 MiB\\)" \
	"disco:   node 2: cpus 3, ram 50000000-7fffffff \\(768 MiB\\)" \
	"selftest alloc: PASS"

# Bad input gets a clear message and the default, and the boot goes on.
qemu_test numa-too-many-nodes 4 256M "test=boot numa=8" 0 60 \
	"disco: error: numa=8: more nodes than the 4 CPUs online; using one node" \
	"disco: numa: 1 node" "selftest boot: PASS"
qemu_test numa-cpu-missing 4 256M "test=boot numa=0-1:128M" 0 60 \
	"disco: error: numa: every CPU must be in a node \\(4 CPUs online\\); using one node" \
	"selftest boot: PASS"
qemu_test numa-too-much-ram 2 256M "test=boot numa=0:128M,1:256M" 0 60 \
	"disco: error: numa: nodes ask for more than the 256 MiB of RAM; using one node" \
	"selftest boot: PASS"
qemu_test numa-even 4 256M "test=boot numa=2" 0 60 \
	"disco:   node 0: cpus 0-1, ram 00000000-07ffffff \\(128 MiB\\)" \
	"disco:   node 1: cpus 2-3, ram 08000000-0fffffff \\(128 MiB\\)" "selftest boot: PASS"
qemu_test bad-hz 1 128M "test=boot hz=5" 0 60 \
	"disco: hz=5: want 10 to 10000; using 1000" "disco: tick: 1000 Hz" "selftest boot: PASS"
qemu_test unknown-test 1 128M "test=nonesuch poweroff" 0 60 \
	"disco: test=nonesuch: no such test" "disco: power off"

# ---- VMs from a boot bundle (-initrd): loaded, or rejected one by one ----
tools/mkbundle.sh tests/qemu/bundles/good.conf "$LOGS/good.cpio" build/guest-images
head -c $((2 << 20)) /dev/zero > "$LOGS/big.img"
tools/mkbundle.sh tests/qemu/bundles/bad.conf "$LOGS/bad.cpio" build/guest-images "$LOGS"
BUNDLE=$LOGS/good.cpio qemu_test bundle-good 2 256M "test=boot numa=2" 0 60 \
	'disco: vm alpha: 2 vCPUs, 16 MiB \(node 1: [0-9]+ pages held, [0-9]+ shared\), kernel hello.elf entry 4000000000100000, dtb at ff0000, cmdline "console=ttyS0 quiet"' \
	'disco: vm beta: 1 vCPU, 8 MiB \(node 0: [0-9]+ pages held, [0-9]+ shared\)' "disco: 2 of 2 VMs loaded" "selftest boot: PASS"
BUNDLE=$LOGS/bad.cpio qemu_test bundle-bad 2 256M "test=boot" 0 60 \
	"disco: error: vm typo, line 4: unknown key 'colour'; not started" \
	"disco: error: vm greedy, line 8: memory: 4096 MiB asked, [0-9]+ pages \\([0-9]+ MiB\\) free; not started" \
	"disco: error: vm lost, line 11: kernel 'nowhere.elf': not in the boot bundle; not started" \
	"disco: error: vm notelf, line 14: kernel 'vms.conf': not an ELF file; not started" \
	"disco: error: vm tiny, line 17: kernel 'hello.elf': segment at 4000000000100000 is outside the VM's memory" \
	"disco: error: vm offline, line 22: cpus: CPU 2 is not online \(2 CPUs\); not started" \
	"disco: error: vm noinitrd, line 26: initrd 'nowhere.cpio': not in the boot bundle; not started" \
	"disco: error: vm fatinitrd, line 31: initrd 'big.img': 2048 KiB does not fit between the kernel and the device tree \\(memory 2 MiB\\); not started" \
	"disco: vm good: 1 vCPU, 4 MiB" "disco: 1 of 9 VMs loaded" "selftest boot: PASS"
# Both VMs of good.conf run: alpha's two vCPUs both start at the entry
# point (as malta's CPUs do), the first to power off ends the VM.
BUNDLE=$LOGS/good.cpio qemu_test guest-hello 2 256M "numa=2" 0 60 \
	"disco: vm alpha: vcpu 1 on cpu 1" \
	"\\[alpha\\] hello from a disco guest in supervisor mode" \
	"\\[beta\\] hello from a disco guest in supervisor mode" \
	"disco: vm alpha: powered off \\(exit status 0\\)" "disco: vm beta: powered off \\(exit status 0\\)" \
	"disco: vm alpha: emulated: hypercall=[1-9]" "disco: all VMs have ended; power off \\(status 0\\)"
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
		"disco: vm $name: .*\\(exit status 1\\)" "$@" "disco: all VMs have ended; power off \\(status 1\\)" \
		'!only reached if'
}
misbehave wild wild-memory.elf "disco: vm wild: vcpu 0: exception 7 at 40000000001000[0-9a-f]+ with Status.BEV = 1"
misbehave wildtlb wild-tlb.elf "disco: vm wildtlb: vcpu 0: exception 7 at 40000000001000[0-9a-f]+ with Status.BEV = 1"
misbehave snoop monitor-memory.elf "disco: vm snoop: access to a segment a VM does not have"
misbehave garbage garbage.elf "disco: vm garbage: vcpu 0: exception 10 at 4000000000100000 with Status.BEV = 1"
misbehave sdbbp sdbbp.elf "disco: vm sdbbp: vcpu 0: sdbbp at 40000000001000[0-9a-f]+ \\(EJTAG debug mode is not available in a VM\\)"
# The same from an address the guest mapped where the monitor's own begin
# (CKSSEG), beside a good VM on the same CPU: only the attacker stops, and
# while the good one still runs.
printf '[vm cksseg]\nkernel = sdbbp-cksseg.elf\nmemory = 4M\ncpus = 0\n[vm good]\nkernel = kregs.elf\nmemory = 4M\ncpus = 0\n' > "$LOGS/cksseg.conf"
tools/mkbundle.sh "$LOGS/cksseg.conf" "$LOGS/cksseg.cpio" build/guest-images
BUNDLE=$LOGS/cksseg.cpio qemu_test guest-sdbbp-cksseg 1 128M "" 0 60 \
	"disco: vm cksseg: vcpu 0: sdbbp at ffffffffc0000010 \\(EJTAG debug mode is not available in a VM\\)" \
	"disco: vm cksseg: debug breakpoint \\(sdbbp\\) \\(exit status 1\\)" \
	"disco: vm good: powered off \\(exit status 0\\)" "disco: all VMs have ended; power off \\(status 1\\)" \
	'!sdbbp in the monitor' '!only reached if'
order_test guest-sdbbp-cksseg guest-sdbbp-cksseg-alone '^disco: vm cksseg: debug breakpoint' \
	'^disco: vm good: powered off' "cksseg must end while good still runs"
# k0/k1 survive the monitor's ticks while a guest runs.
one_vm kregs kregs.elf
BUNDLE=$LOGS/kregs.cpio qemu_test guest-kregs 1 128M "" 0 60 \
	"disco: vm kregs: powered off \\(exit status 0\\)" "disco: vm kregs: traps: int=[1-9]"
# The fast trap paths (arch/mips64/fastpath.S): trapbench's syscall, eret
# and rdhwr loops leave the trap counts the C path keeps (the same as before
# the fast paths, but the 2000 rdhwr $29 the monitor now answers from the
# published thread pointer instead of reflecting them), and rdhwr reads the
# thread pointer (else the guest exits 4). Its refill loops (10, 11) add the
# TLB contract's hypercall, an mtc0 PageMask and 2048 refills its handler
# serves (2 dmtc0, tlbwr, eret; reflected tlbl=2048) while the l2tlb learns
# the pairs; the timed loop's 2000 refills are l2tlb hits ... (tlbl and tlbs
# also count the direct-map window fills of its memory, backed on demand)
one_vm trapbench trapbench.elf
BUNDLE=$LOGS/trapbench.cpio qemu_test trap-fastpath-counts 1 128M "" 0 60 \
	"disco: vm trapbench: powered off \\(exit status 0\\)" \
	"disco: vm trapbench: traps: (int=[0-9]+ )?tlbl=4155 tlbs=1 sys=4002 ri=2000 cpu=34216[[:cntrl:]]?$" \
	"disco: vm trapbench: emulated: mfc0=4004 dmfc0=2000 mtc0=4006 dmtc0=8102 tlbwi=1 tlbwr=4048 eret=10052 hypercall=2003 rdhwr=2000[[:cntrl:]]?$" \
	"disco: vm trapbench: reflected: tlbl=2048 sys=4002[[:cntrl:]]?$" \
	"disco: vm trapbench: l2tlb-hits=(199[0-9]|2000) "
# ... and take the fast paths: their monitor instructions stay far below a
# C-path trap's 1,000 (docs/benchmarks.md has the figures).
if selected trap-fastpath-cost; then
	if ! OUT=$LOGS/bench-traps tools/bench-traps.sh > $LOGS/bench-traps.log 2>&1; then
		fail trap-fastpath-cost "make bench-traps failed, see $LOGS/bench-traps.log"
	elif costs=$(python3 -c '
import json, sys
ops = {o["key"]: o["monitor"] for o in json.load(open(sys.argv[1]))["operations"]}
limits = {"eret_shared": 150, "syscall_user": 250, "rdhwr_user": 120, "refill": 60}
over = ["%s=%d (limit %d)" % (k, ops[k], v) for k, v in limits.items() if ops[k] > v]
print(" ".join("%s=%d" % (k, ops[k]) for k in limits))
sys.exit(1 if over else 0)' "$LOGS/bench-traps.json"); then
		pass "trap-fastpath-cost ($costs monitor instructions)"
	else
		fail trap-fastpath-cost "over the limits: $costs, see $LOGS/bench-traps.txt"
	fi
fi
# A guest cannot pass for the monitor: it prints lines that would repaint
# themselves (CR, ESC and backspace sequences) as its own clean power-off
# and the machine's; it really ends with status 3. Its bytes show escaped
# in its "[forge] " lines, no line starts with what it forged, and the log
# holds nothing a terminal would act on but printable ASCII, tab and the
# CR LF line ends (no CR inside a line).
one_vm forge forge.elf
BUNDLE=$LOGS/forge.cpio qemu_test guest-forge 1 128M "" 0 60 \
	'\[forge\] \\r\\e\[2Kdisco: vm forge: powered off \(exit status 0\)' \
	'\[forge\] ok\\rdisco: vm forge: powered off \(exit status 0\)' \
	'\[forge\] \\\\e is not \\e and \\\\x9b is not \\x9b' \
	'\[forge\] (\\b){16}disco: all VMs have ended; power off \(status 0\)' \
	'\[forge\] \\e\[1A\\e\[1Gdisco: vm forge: powered off \(exit status 0\)' \
	'disco: vm forge: powered off \(exit status 3\)' \
	'disco: all VMs have ended; power off \(status 1\)' \
	'!^disco: vm forge: powered off \(exit status 0\)' \
	'!^disco: all VMs have ended; power off \(status 0\)'
if selected guest-forge && [ -f "$LOGS/guest-forge.log" ]; then
	odd=$(LC_ALL=C tr -d '\040-\176\t\r\n' < "$LOGS/guest-forge.log" | od -An -tx1 | head -c 120)
	inner_cr=$(LC_ALL=C grep -ac $'\r.' "$LOGS/guest-forge.log")
	if [ -z "$odd" ] && [ "$inner_cr" -eq 0 ]; then
		pass guest-forge-printable
	else
		fail guest-forge-printable "control bytes in $LOGS/guest-forge.log:${odd:- none;} $inner_cr lines with a CR inside"
	fi
fi
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
	"disco: vm good1: powered off \\(exit status 0\\)" "disco: vm good2: powered off \\(exit status 0\\)" \
	"disco: vm wild: .*\\(exit status 1\\)" "disco: vm garbage: .*\\(exit status 1\\)" \
	"disco: vm spin: powered off \\(exit status 0\\)" \
	"disco: vm sdbbp: debug breakpoint \\(sdbbp\\) \\(exit status 1\\)" \
	"disco: all VMs have ended; power off \\(status 1\\)"
order_test guest-mix guest-mix-no-starvation '^disco: vm good1: powered off' \
	'^disco: vm spin: powered off' "good1 must end before spin on their shared CPU"
# A guest that sets its Compare just behind Count, over and over, for half
# a second, beside a victim on the same CPU: the monitor's tick still comes
# (it shows the storm's unfinished line after 100 ms, so "done" starts a
# line of its own), and the victim runs within a slice and ends first (it
# prints how long it waited).
printf '[vm storm]\nkernel = compare-storm.elf\nmemory = 4M\ncpus = 0\n[vm victim]\nkernel = waited.elf\nmemory = 4M\ncpus = 0\n' > "$LOGS/storm.conf"
tools/mkbundle.sh "$LOGS/storm.conf" "$LOGS/storm.cpio" build/guest-images
BUNDLE=$LOGS/storm.cpio qemu_test guest-compare-storm 1 128M "" 0 120 \
	"\\[victim\\] waited [0-9]+ ms" "disco: vm victim: powered off \\(exit status 0\\)" \
	"\\[storm\\] attacking\\.\\.\\." "\\[storm\\] done" \
	"disco: vm storm: powered off \\(exit status 0\\)" "disco: all VMs have ended; power off \\(status 0\\)"
order_test guest-compare-storm guest-compare-storm-no-starvation '^disco: vm victim: powered off' \
	'^disco: vm storm: powered off' "victim must end before storm on their shared CPU"
echo "not a cpio archive" > "$LOGS/junk.cpio"
BUNDLE=$LOGS/junk.cpio qemu_test bundle-junk 1 128M "test=boot" 0 60 \
	"disco: error: the boot bundle \(-initrd\) has no vms.conf" "selftest boot: PASS"
# The monitor's own sdbbp (its semihosting exit, on a QEMU run without
# -semihosting, as runs with a bundle are) still ends the machine.
BUNDLE=$LOGS/junk.cpio qemu_test monitor-sdbbp 1 128M "test=boot semihosting" 0 60 \
	"selftest boot: PASS" "disco: sdbbp in the monitor at ffffffff8[0-9a-f]+; power off"

# A VM is accepted only if every page it takes fits: its memory, its pmap's
# tables and its vCPUs. A 16-vCPU VM ("greedy") whose memory alone fits the
# free pages, but not with the rest, is refused before it starts (it used
# to pass the memory check and panic the monitor when its vCPUs were made),
# and a small VM beside it runs; one that fits to the page is accepted, one
# page short refused. The free pages are set to the page by the bundle's
# size (QEMU loads it into RAM): the small VM's initrd, pad.img, pads it.
greedy_bundle() {   # MEMORY_MIB PAD_PAGES: $LOGS/greedy.cpio (same size for any 3-digit MEMORY)
	mkdir -p "$LOGS/greedy"
	printf '[vm greedy]\nkernel = hello.elf\nvcpus = 16\nmemory = %03dM\n[vm small]\nkernel = hello.elf\nmemory = 8M\ninitrd = pad.img\n' \
		"$1" > "$LOGS/greedy/vms.conf"
	head -c $(($2 * 4096)) /dev/zero > "$LOGS/greedy/pad.img"
	tools/mkbundle.sh "$LOGS/greedy/vms.conf" "$LOGS/greedy.cpio" build/guest-images "$LOGS/greedy"
}
greedy_test() {
	local free0 free pad need mem log=$LOGS/bundle-greedy.log name
	for name in bundle-greedy-probe bundle-greedy bundle-greedy-exact bundle-greedy-short; do
		selected $name && break
	done || return 0
	local ONLY=     # each run needs the one before
	# the free pages without padding, as the boot banner counts them
	greedy_bundle 999 0
	BUNDLE=$LOGS/greedy.cpio qemu_test bundle-greedy-probe 2 128M "test=boot" 0 60 \
		"disco: monitor image .*, [0-9]+ pages \\(" || return
	free0=$(sed -n 's/^disco: monitor image .*, \([0-9]*\) pages (.*/\1/p' "$LOGS/bundle-greedy-probe.log")
	[ -n "$free0" ] || { fail bundle-greedy "no free-page count in $LOGS/bundle-greedy-probe.log"; return; }
	# 100 pages over whole MiBs: more than the pmap's tables (40 pages for
	# about 126 MiB), fewer than they and 16 vCPUs (40 pages each with
	# their l2tlb); padded by 768 to 1023 pages, more than those 680, so
	# that the exact fit below needs no negative padding
	pad=$(( (free0 - 100) % 256 + 768 ))
	free=$((free0 - pad))
	mem=$(( (free - 100) / 256 ))
	greedy_bundle "$mem" "$pad"
	BUNDLE=$LOGS/greedy.cpio qemu_test bundle-greedy 2 128M "" 0 60 \
		"disco: monitor image .*, $free pages \\(" \
		"disco: error: vm greedy, line 4: memory: $mem MiB asked, [0-9]+ pages with its pmap tables and 16 vCPUs, $free pages \\([0-9]+ MiB\\) free; not started" \
		"disco: vm small: 1 vCPU, 8 MiB" "disco: 1 of 2 VMs loaded" \
		"\\[small\\] hello from a disco guest in supervisor mode" \
		"disco: vm small: powered off \\(exit status 0\\)" \
		"disco: all VMs have ended; power off \\(status 0\\)" '!PANIC' || return
	need=$(sed -n 's/^disco: error: vm greedy, .* MiB asked, \([0-9]*\) pages with .*/\1/p' "$log")
	if [ -z "$need" ] || [ "$need" -gt "$free0" ]; then
		fail bundle-greedy-exact "need '${need}' pages, more than the $free0 free unpadded"
		return
	fi
	# exactly the pages it needs: accepted, runs, and nothing is left
	greedy_bundle "$mem" $((free0 - need))
	BUNDLE=$LOGS/greedy.cpio qemu_test bundle-greedy-exact 2 128M "" 0 60 \
		"disco: monitor image .*, $need pages \\(" \
		"disco: vm greedy: 16 vCPUs, $mem MiB" \
		"disco: error: vm small, line 7: memory: 8 MiB asked, 0 pages \\(0 MiB\\) free; not started" \
		"disco: vm greedy: vcpu 15 on cpu 1" \
		"disco: vm greedy: powered off \\(exit status 0\\)" '!PANIC'
	# one page short: refused
	greedy_bundle "$mem" $((free0 - need + 1))
	BUNDLE=$LOGS/greedy.cpio qemu_test bundle-greedy-short 2 128M "test=boot" 0 60 \
		"disco: error: vm greedy, line 4: memory: $mem MiB asked, $need pages with its pmap tables and 16 vCPUs, $((need - 1)) pages \\([0-9]+ MiB\\) free; not started" \
		"disco: vm small: 1 vCPU, 8 MiB" "selftest boot: PASS" '!PANIC'
}
greedy_test

# Two VMs on one CPU with different FPU register patterns, yielding to each
# other 200 times: each finds its 32 registers and FCSR intact.
printf '[vm fpu1]\nkernel = fpu1.elf\nmemory = 4M\ncpus = 0\n[vm fpu2]\nkernel = fpu2.elf\nmemory = 4M\ncpus = 0\n' > "$LOGS/fpu.conf"
tools/mkbundle.sh "$LOGS/fpu.conf" "$LOGS/fpu.cpio" build/guest-images
BUNDLE=$LOGS/fpu.cpio qemu_test guest-fpu-switch 1 128M "" 0 60 \
	"disco: vm fpu1: powered off \\(exit status 0\\)" "disco: vm fpu2: powered off \\(exit status 0\\)" \
	"disco: vm fpu1: emulated: .*hypercall=20[0-9]" "disco: vm fpu2: emulated: .*hypercall=20[0-9]" \
	"disco: all VMs have ended; power off \\(status 0\\)"

# Two VMs on one CPU (one of them with two vCPUs there) map the same
# virtual pages under the same two guest ASIDs to pages of their own (per
# vCPU), then yield to each other 200 times and read every page under both
# ASIDs each round: each vCPU sees only its own memory, and the real TLB
# keeps their entries across the switches (a few dozen real TLB misses per
# vCPU, where a flush per switch costs 17 a round, 3,400; the window's
# entries too: a CPU that runs several vCPUs makes them under ASIDs).
printf '[vm keep1]\nkernel = tlbkeep1.elf\nmemory = 4M\ncpus = 0\n[vm keep2]\nkernel = tlbkeep2.elf\nvcpus = 2\nmemory = 4M\ncpus = 0\n' > "$LOGS/tlbkeep.conf"
tools/mkbundle.sh "$LOGS/tlbkeep.conf" "$LOGS/tlbkeep.cpio" build/guest-images
BUNDLE=$LOGS/tlbkeep.cpio qemu_test guest-tlb-keep 1 128M "" 0 60 \
	"disco: vm keep1: powered off \\(exit status 0\\)" "disco: vm keep2: powered off \\(exit status 0\\)" \
	"disco: vm keep1: emulated: .*hypercall=20[0-9]" "disco: vm keep2: emulated: .*hypercall=[2-4][0-9]{2}" \
	"disco: vm keep1: traps: .*tlbl=[0-9]{1,2}( |$)" "disco: vm keep2: traps: .*tlbl=1?[0-9]{1,2}( |$)" \
	"disco: all VMs have ended; power off \\(status 0\\)"

# The same with a new guest ASID every round (tlbcycle: 3..255 in turn,
# mapping one page under it alone): the three vCPUs use up the CPU's 255
# real ASIDs twice; after each new generation no entry of a real ASID's
# earlier owner answers for its new one (without the flush that starts a
# generation, both VMs end with status 4).
printf '[vm cycle1]\nkernel = tlbcycle1.elf\nmemory = 4M\ncpus = 0\n[vm cycle2]\nkernel = tlbcycle2.elf\nvcpus = 2\nmemory = 4M\ncpus = 0\n' > "$LOGS/tlbcycle.conf"
tools/mkbundle.sh "$LOGS/tlbcycle.conf" "$LOGS/tlbcycle.cpio" build/guest-images
BUNDLE=$LOGS/tlbcycle.cpio qemu_test guest-tlb-cycle 1 128M "" 0 60 \
	"disco: vm cycle1: powered off \\(exit status 0\\)" "disco: vm cycle2: powered off \\(exit status 0\\)" \
	"disco: vm cycle1: emulated: .*hypercall=20[0-9]" "disco: vm cycle2: emulated: .*hypercall=[2-4][0-9]{2}" \
	"disco: cpu 0: real TLB: .* generations=[2-9]" \
	"disco: all VMs have ended; power off \\(status 0\\)"
# The TLB contract (guest-images/l2tlb): the second-level TLB keeps what
# the guest's TLB evicted, forgets what the guest drops or flushes, and an
# invalid or clean half it kept is a refill for the guest, never TLBL or Mod
# from an entry the guest's TLB does not hold (exit status = failed check).
printf '[vm l2tlb]\nkernel = l2tlb.elf\nmemory = 16M\n' > "$LOGS/l2tlb.conf"
tools/mkbundle.sh "$LOGS/l2tlb.conf" "$LOGS/l2tlb.cpio" build/guest-images
BUNDLE=$LOGS/l2tlb.cpio qemu_test guest-l2tlb 1 128M "" 0 60 \
	"disco: vm l2tlb: powered off \\(exit status 0\\)" \
	"disco: vm l2tlb: l2tlb-hits=[1-9][0-9]* l2tlb-misses=[0-9]+ l2tlb-inserts=[1-9]" \
	"disco: all VMs have ended; power off \\(status 0\\)" '!PANIC'
# ---- memory on demand, copy-on-write sharing, start (docs/memory.md) ----
# Two VMs of one image share its loaded pages; the writer stores into its
# own text, data and rodata (cached and uncached windows, its own TLB) and
# reads its values back, the watcher on the same CPU sees only the image's.
printf '[vm cowa]\nkernel = hostile.elf\nmemory = 12M\ncpus = 0\ncmdline = hostile=cow-write\n[vm cowb]\nkernel = hostile.elf\nmemory = 12M\ncpus = 0\ncmdline = hostile=cow-watch\n' > "$LOGS/cow.conf"
tools/mkbundle.sh "$LOGS/cow.conf" "$LOGS/cow.cpio" build/guest-images
BUNDLE=$LOGS/cow.cpio qemu_test mem-cow 1 128M "" 0 60 \
	"\\[cowa\\] hostile: cow-write: wrote and read back its text, data and rodata" \
	"\\[cowb\\] hostile: cow-watch: [1-9][0-9]* rounds saw only the image's values" \
	"disco: vm cowa: memory: [0-9]+ private, [1-9][0-9]* shared pages \\([0-9]+ demand fills, [1-9][0-9]* copies on write, [0-9]+ remote TLB flushes\\)" \
	"disco: vm cowb: memory: [0-9]+ private, [1-9][0-9]* shared pages" \
	"disco: all VMs have ended; power off \\(status 0\\)" '!ESCAPE|BROKEN|PANIC'
# The writer with a second vCPU parked (in `wait`) on CPU 1: that CPU's
# real TLB holds the VM's entries, so each copy also flushes it by a
# cross-call; the watcher runs beside on CPU 0.
printf '[vm cowa]\nkernel = hostile.elf\nmemory = 12M\nvcpus = 2\ncpus = 0-1\ncmdline = hostile=cow-write\n[vm cowb]\nkernel = hostile.elf\nmemory = 12M\ncpus = 0\ncmdline = hostile=cow-watch\n' > "$LOGS/cow2.conf"
tools/mkbundle.sh "$LOGS/cow2.conf" "$LOGS/cow2.cpio" build/guest-images
BUNDLE=$LOGS/cow2.cpio qemu_test mem-cow-2cpus 2 128M "" 0 60 \
	"disco: vm cowa: vcpu 1 on cpu 1" \
	"\\[cowa\\] hostile: cow-write: wrote and read back its text, data and rodata" \
	"\\[cowb\\] hostile: cow-watch: [1-9][0-9]* rounds saw only the image's values" \
	"disco: vm cowa: memory: [0-9]+ private, [1-9][0-9]* shared pages \\([0-9]+ demand fills, [1-9][0-9]* copies on write, [1-9][0-9]* remote TLB flushes\\)" \
	"disco: all VMs have ended; power off \\(status 0\\)" '!ESCAPE|BROKEN|PANIC'
# With `noshare` nothing is shared, and the same holds.
BUNDLE=$LOGS/cow.cpio qemu_test mem-noshare 1 128M "noshare" 0 60 \
	"\\[cowa\\] hostile: cow-write: wrote and read back its text, data and rodata" \
	"\\[cowb\\] hostile: cow-watch: [1-9][0-9]* rounds saw only the image's values" \
	"disco: vm cowa: memory: [0-9]+ private, 0 shared pages \\([0-9]+ demand fills, 0 copies on write, 0 remote TLB flushes\\)" \
	'!ESCAPE|BROKEN|PANIC'

# With `stay` the monitor keeps its prompt after the last VM ends: a 64 MiB
# unit guest holds a few hundred pages, gives them all back at its end (the
# free pages are the boot banner's again), and `start` runs it again with
# the same lines.
mem_start_test() {
	local name=mem-start in=$LOGS/mem-start.in out=$LOGS/mem-start.log pid i n
	selected "$name" || return 0
	printf '[vm unit]\nkernel = unit.elf\nmemory = 64M\n' > "$LOGS/mem-start.conf"
	tools/mkbundle.sh "$LOGS/mem-start.conf" "$LOGS/mem-start.cpio" build/guest-images
	rm -f "$in"
	mkfifo "$in"
	timeout -s KILL 120 tools/qemu-malta.sh -smp 1 -m 128M -kernel "$ELF" \
		-initrd "$LOGS/mem-start.cpio" -icount shift=0,sleep=off -append "stay" \
		< "$in" > "$out.raw" 2>&1 &
	pid=$!
	exec 3> "$in"
	ended() { for ((i = 0; i < 600; i++)); do [ "$(grep -ac '^disco: all VMs have ended (status 0); the monitor stays' "$out.raw")" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }
	lines() { for ((i = 0; i < 100; i++)); do [ "$(grep -ac "^$1" "$out.raw")" -ge "$2" ] && return 0; sleep 0.1; done; return 1; }
	if ended 1; then
		printf '\035:mem\r' >&3
		lines 'disco: mem node 0:' 1 && printf 'start unit\r' >&3
		ended 2 && printf 'mem\r' >&3
		lines 'disco: mem node 0:' 2
	fi
	(printf 'poweroff\r' >&3) 2> /dev/null
	wait "$pid"
	exec 3>&-
	rm -f "$in"
	# a guest line may follow the prompt the monitor reopened ("disco> [unit] ...")
	tr -d '\r' < "$out.raw" | sed 's/^disco> \[/[/' > "$out"
	local boot_free runs first second held
	boot_free=$(sed -n 's/^disco:   node 0: .*, \([0-9]*\) pages free$/\1/p' "$out")
	runs=$(grep -c '^\[unit\] unit: [0-9]* tests$' "$out")
	# each run's lines come after its load line
	first=$(awk '/^disco: vm unit: 1 vCPU/ { run++ } run == 1 && /^\[unit\] / { print }' "$out" | md5sum)
	second=$(awk '/^disco: vm unit: 1 vCPU/ { run++ } run == 2 && /^\[unit\] / { print }' "$out" | md5sum)
	n=$(grep -c '^\[unit\] ' "$out")
	held=$(sed -n 's/^disco: vm unit: memory: \([0-9]*\) private, \([0-9]*\) shared pages.*/\1 + \2/p' "$out" | head -n 1)
	if [ -z "$held" ] || [ $((held)) -ge 2048 ]; then
		fail "$name" "the 64 MiB unit guest (16384 pages) held '${held}' pages, not under 2048, see $out"
	elif [ "$(grep -c "^disco: mem node 0: $boot_free pages free" "$out")" -ne 2 ]; then
		fail "$name" "free pages after the VM's end are not the boot's $boot_free (see the mem lines in $out)"
	elif ! grep -q '^disco: mem unit: 64 MiB, private 0, shared 0, total 0 pages' "$out"; then
		fail "$name" "the ended VM still holds memory, see $out"
	elif [ "$runs" -ne 2 ] || [ "$first" != "$second" ]; then
		fail "$name" "the started VM's lines differ from the first run's ($runs runs), see $out"
	elif grep -aq '^PANIC' "$out"; then
		fail "$name" "panic, see $out"
	else
		pass "$name ($((n / 2)) lines twice, $((held)) of 16384 pages held, $boot_free pages free after each end)"
	fi
}
mem_start_test

# A `norun` boot's prompt: `mem` shows the loaded VM's few pages, `start`
# runs it (CPU 0 leaves its prompt for the scheduler), its end powers off.
mem_norun_test() {
	local name=mem-norun-start in=$LOGS/mem-norun-start.in out=$LOGS/mem-norun-start.log pid i rc pattern
	selected "$name" || return 0
	printf '[vm hello]\nkernel = hello.elf\nmemory = 8M\n' > "$LOGS/mem-norun.conf"
	tools/mkbundle.sh "$LOGS/mem-norun.conf" "$LOGS/mem-norun.cpio" build/guest-images
	rm -f "$in"
	mkfifo "$in"
	timeout -s KILL 60 tools/qemu-malta.sh -smp 2 -m 128M -kernel "$ELF" \
		-initrd "$LOGS/mem-norun.cpio" -icount shift=0,sleep=off -append "norun" \
		< "$in" > "$out.raw" 2>&1 &
	pid=$!
	exec 3> "$in"
	for ((i = 0; i < 300; i++)); do grep -aq '^disco> ' "$out.raw" && break; sleep 0.1; done
	printf 'mem\rstart hello\r' >&3
	wait "$pid"
	rc=$?
	exec 3>&-
	rm -f "$in"
	tr -d '\r' < "$out.raw" > "$out"
	[ "$rc" -eq 0 ] || { fail "$name" "exit status $rc, see $out"; return; }
	for pattern in 'disco: mem hello: 8 MiB, private [0-9]{1,3}, shared [0-9]+, total [0-9]{1,3} pages' \
		'(disco> start hello)?disco: vm hello: vcpu 0 on cpu 0' \
		'\[hello\] hello from a disco guest in supervisor mode' \
		'disco: vm hello: powered off \(exit status 0\)' \
		'disco: all VMs have ended; power off \(status 0\)'; do
		grep -aEq -- "^$pattern" "$out" || { fail "$name" "no '$pattern' in $out"; return; }
	done
	pass "$name"
}
mem_norun_test

# The hostile-guest suite: attacks beside a victim VM (tests/hostile.sh).
source tests/hostile.sh

# ---- equivalence: the same guest program on the bare machine and in VMs ----
# equivalence NAME BARE_ELF BARE_CPUS CONFIG CPUS MEM VM...: runs BARE_ELF
# on the bare machine (the oracle), then the monitor with CONFIG's bundle
# (and the command line $APPEND if set); every VM named must print exactly
# the oracle's lines, in order.
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
		-initrd "$LOGS/$name.cpio" ${APPEND:+-append "$APPEND"} < /dev/null > "$log.raw" 2>&1
	tr -d '\r' < "$log.raw" > "$log"
	for vm in "$@"; do
		sed -n "s/^\\[$vm\\] //p" "$log" > "$LOGS/$name.$vm.txt"
		if ! diff -u "$oracle" "$LOGS/$name.$vm.txt" > "$LOGS/$name.$vm.diff"; then
			fail "$name" "vm $vm differs from the bare machine: $(grep -c '^[-+][^-+]' "$LOGS/$name.$vm.diff") lines, see $LOGS/$name.$vm.diff"
			return
		fi
	done
	if ! grep -aq "^disco: all VMs have ended; power off (status 0)$" "$log"; then
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
# The memory layer's page moves under running guests (monitor/page_shuffle.h):
# every page moved again and again, the lines stay the bare machine's.
APPEND="shuffle=16 shuffle_ticks=1" equivalence unit-shuffle build/guest-images/unit-bare.elf 1 "$LOGS/unit1.conf" 1 256M unit1
APPEND="shuffle=16 shuffle_ticks=2" equivalence unit-shuffle-4vms-16cpus build/guest-images/unit-bare.elf 1 "$LOGS/unit4.conf" 16 512M \
	unit1 unit2 unit3 unit4
printf '[vm smp]\nkernel = smp.elf\nvcpus = 4\nmemory = 16M\n' > "$LOGS/smp.conf"
equivalence smp-4vcpus-2cpus build/guest-images/smp-bare.elf 4 "$LOGS/smp.conf" 2 256M smp
# moves whose shoot-downs reach the other CPUs running the VM's vCPUs
APPEND="shuffle=8" equivalence smp-shuffle-4vcpus-4cpus build/guest-images/smp-bare.elf 4 "$LOGS/smp.conf" 4 256M smp

# The SMP hypercalls (guest-images/smpcall, a VM-only guest of 4 vCPUs):
# HCALL_VCPU_PARK/START, the self page, HCALL_IPI (exact bits, the union of
# two sends, a 200-round ping-pong), HCALL_YIELD_TO; one ok line per check,
# all of them wanted, and a clean power-off. With 4 CPUs every vCPU has its
# own; with 2 they share (and move); pinned to CPU 0 all four share it, so a
# yield to any runs the vCPU that sets the flag the caller spins on at once.
smpcall_ok=('boot: ipi to vcpus 1-3, 3 without an area' 'boot: ipi to a mask with vcpu 7' 'boot: the self page without an area'
	'start: vcpu 1 ran' 'start: vcpu 2 ran' 'start: vcpu 3 ran' 'start: itself, vcpu 7'
	'self page: vcpu 0 sees its own' 'self page: vcpu 1 sees its own' 'self page: vcpu 2 sees its own'
	'self page: vcpu 3 sees its own' 'self page: the page after it' 'self page: every later check'
	'ipi: vcpu 1 took exactly' 'ipi: vcpu 2 took exactly' 'ipi: vcpu 3 took exactly'
	'ipi: two sends before vcpu 1' 'ipi: two sends before vcpu 2' 'ipi: two sends before vcpu 3'
	'ipi: ping-pong with vcpu 1, 200 round trips' 'ipi: no IP3 interrupt found the word 0'
	'yield-to: directed at a started vcpu' 'yield-to: a spin on a flag another vcpu sets'
	'yield-to: itself, vcpu 7, none runnable')
smpcall_test() {    # NAME CPUS "CONFIG LINES" PATTERN...
	local name=$1 cpus=$2 extra=$3 line patterns=()
	shift 3
	selected "$name" || return 0
	printf '[vm smpcall]\nkernel = smpcall.elf\nvcpus = 4\nmemory = 16M\n%b' "$extra" > "$LOGS/$name.conf"
	tools/mkbundle.sh "$LOGS/$name.conf" "$LOGS/$name.cpio" build/guest-images
	for line in "${smpcall_ok[@]}"; do patterns+=("\\[smpcall\\] smpcall: $line.*: ok"); done
	BUNDLE=$LOGS/$name.cpio qemu_test "$name" "$cpus" 256M "" 0 30 "${patterns[@]}" "$@" \
		"\\[smpcall\\] smpcall: all ok" "disco: vm smpcall: powered off \\(exit status 0\\)" \
		"disco: all VMs have ended; power off \\(status 0\\)" '!FAIL' '!PANIC'
}
smpcall_test smpcall-4vcpus-4cpus 4 "" "\\[smpcall\\] smpcall: yield-to: no other vcpu on this cpu"
smpcall_test smpcall-4vcpus-2cpus 2 ""
smpcall_test smpcall-4vcpus-cpu0 2 "cpus = 0\\n" \
	"\\[smpcall\\] smpcall: yield-to: with the setter on this cpu, the spin ends after 1 or 2 yields: ok"

# ---- Linux guests (the disco guest kernel from make linux) ----
linux_vms() {       # CONF NAME:RUN[:CPUS[:VCPUS]]...: a config of 64 MiB Linux VMs
	local conf=$1 spec name run cpus vcpus
	shift
	: > "$conf"
	for spec in "$@"; do
		IFS=: read -r name run cpus vcpus <<< "$spec"
		printf '[vm %s]\nkernel = vmlinux\nmemory = 64M\ncmdline = console=ttyS0 panic=1 disco.run=%s\n%s\n%s\n' \
			"$name" "$run" "${cpus:+cpus = $cpus}" "${vcpus:+vcpus = $vcpus}" >> "$conf"
	done
}
# Popek and Goldberg at the system-call level: the equivalence programs
# (guest-images/linux/equiv, an initrd over the built-in initramfs) on the
# native kernel on the bare board, then in a VM: their lines must match.
# linux_equivalence_test [NAME MONITOR_CMDLINE]: the VM run under the
# monitor's command line given (the native run is made once for all).
# The VM runs under -icount (unless ICOUNT=0): on host time a loaded host stopped a vCPU
# for more than the 30 ms between sc-time's setitimer and getitimer (1 run
# in 12 of linux-equivalence-migrate-replicate failed so with 3 busy loops
# beside it). The native run stays on host time (under -icount the native
# kernel's times() once lagged CLOCK_MONOTONIC by more than 2 ticks) and
# is made up to 3 times until every check passes: a loaded host can fail
# a timing check of the bare machine too, and the oracle is what the bare
# machine does when nothing stops it.
native_equivalence_oracle() {   # ORACLE LINES: 0 once a native run passed
	local attempt
	[ "$1" -nt build/linux/native/vmlinux ] && [ "$1" -nt build/linux/equiv.cpio ] && return 0
	for attempt in 1 2 3; do
		# 120 s: the native power-off sometimes spins; the lines are in by then
		timeout -s KILL 120 tools/qemu-malta.sh -m 128M \
			-kernel build/linux/native/vmlinux -initrd build/linux/equiv.cpio \
			-append "console=ttyS0 disco.run=equiv" < /dev/null 2>&1 |
			tr -d '\r' > "$LOGS/linux-equiv.native.log"
		grep -E "$2" "$LOGS/linux-equiv.native.log" > "$1"
		grep -q '^equiv: 0 programs failed$' "$1" && grep -q '^equiv: done$' "$1" && return 0
		cp "$LOGS/linux-equiv.native.log" "$LOGS/linux-equiv.native.failed-$attempt.log"
	done
	rm -f "$1"
	return 1
}
linux_equivalence_test() {
	local name=${1:-linux-equivalence} append=${2:-} vcpus=${3:-1}
	local oracle=$LOGS/linux-equiv.native.txt log=$LOGS/$name.log
	local lines='^(sc-[a-z]+|equiv): ' dir=$LOGS/linux-equiv icount=
	[ "${ICOUNT:-1}" = 1 ] && icount=1
	selected "$name" || return 0
	if ! native_equivalence_oracle "$oracle" "$lines"; then
		fail "$name" "3 native runs failed, see $LOGS/linux-equiv.native.failed-*.log"
		return
	fi
	mkdir -p "$dir"
	cp build/linux/equiv.cpio "$dir/"
	printf '[vm equiv]\nkernel = vmlinux\ninitrd = equiv.cpio\nmemory = 128M\nvcpus = %s\ncmdline = console=ttyS0 disco.run=equiv\n' "$vcpus" > "$dir/vms.conf"
	tools/mkbundle.sh "$dir/vms.conf" "$dir/bundle.cpio" build/linux/guest "$dir"
	# straight into a file, not a pipe, so that QEMU's console never waits
	# for a reader a loaded host left behind (a wait -icount would count as
	# guest time). It did not remove the stalls seen with 3 busy loops
	# beside a 4-vCPU run (a 20 ms nanosleep took 2 s, an RCU stall
	# warning): their cause is not known.
	timeout -s KILL 600 tools/qemu-malta.sh -smp "$vcpus" -m 256M \
		${icount:+-icount shift=0,sleep=off} -kernel "$ELF" -initrd "$dir/bundle.cpio" ${append:+-append "$append"} \
		< /dev/null > "$log.raw" 2>&1
	tr -d '\r' < "$log.raw" > "$log"
	sed -n 's/^\[equiv\] //p' "$log" | grep -E "$lines" > "$LOGS/$name.vm.txt"
	if ! diff -u "$oracle" "$LOGS/$name.vm.txt" > "$LOGS/$name.diff"; then
		fail "$name" "the VM differs from the native kernel: $(grep -c '^[-+][^-+]' "$LOGS/$name.diff") lines, see $LOGS/$name.diff"
	elif ! grep -aq '^disco: vm equiv: powered off (exit status 0)$' "$log"; then
		fail "$name" "the VM did not power off cleanly, see $log"
	elif [[ $append == *merge=* ]] && ! grep -aEq '^disco: vm equiv: merged: [1-9]' "$log"; then
		fail "$name" "no page was merged, see $log"
	else
		pass "$name ($(wc -l < "$oracle") lines identical, $(awk '$3 == "checks," { n += $2 } END { print n }' "$oracle") checks$(
			sed -n 's/^disco: vm equiv: moves: \([0-9]*\) (\([0-9]*\) pages).*/, \1 moves of \2 pages/p' "$log")$(
			sed -n 's/^disco: vm equiv: merged: \([0-9]*\) .*/, \1 pages merged/p' "$log"))"
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
	timeout -s KILL 300 tools/qemu-malta.sh -smp 2 -append numa=2 \
		-m 256M -kernel "$ELF" -initrd "$LOGS/shell.cpio" < "$in" > "$out" 2>&1 &
	pid=$!
	exec 3> "$in"
	# Patterns match at a line's start (see qemu_test). The VM's stop report
	# comes from another CPU and may follow the monitor prompt and what was
	# typed at it on the same line ("disco> stop nodisco: vm ..."): hence
	# $after_prompt, which cannot cover a guest's "[name] ".
	local after_prompt='(disco> [^[]*)?'
	wait_for() { for ((i = 0; i < 400; i++)); do grep -aEq -- "^$1" "$out" && return 0; sleep 0.5; done; return 1; }
	if wait_for '\[shell1\] / # ' && wait_for '\[shell2\] / # '; then
		printf 'echo typed-$((6*7))\n' >&3
		wait_for '\[shell1\] typed-42'
		printf '\035l' >&3
		wait_for 'disco: \*1 shell1: running'
		printf '\035:list\rstats 1\rstop shell2\rstop nosuch\r\r' >&3
		wait_for "${after_prompt}disco: vm shell2: stopped from the monitor prompt"
		# the placement policy, changed while the VM runs; bad ones refused
		printf '\035:numa\rnuma shell1 migrate\rnuma shell1 trigger=7\rnuma shell1 nonesuch\rnuma shell1 trigger=0x\rnuma shell1 reset_ms=1\r\r' >&3
		wait_for "${after_prompt}numa: numa.reset_ms=1: want 10 to 60000"
		printf 'poweroff -f\n' >&3
	fi
	wait "$pid"
	exec 3>&-
	rm -f "$in"
	for pattern in '\[shell1\] typed-42' '!\[shell2\] typed-42' \
		'disco: \*1 shell1: running, 1 vCPU, traps [1-9][0-9]*: emulated [1-9]' \
		'disco: vm shell1: emulated: .*mfc0=[1-9]' 'disco: stopping vm shell2' \
		"disco: no VM 'nosuch'" "${after_prompt}disco: vm shell2: stopped from the monitor prompt \(exit status 0\)" \
		"${after_prompt}disco: vm shell1: numa: policy first-touch; pages per node [0-9]+ [0-9]+;" \
		"${after_prompt}numa: vm shell1: policy migrate" "${after_prompt}numa: vm shell1: numa.trigger=7" \
		"${after_prompt}numa: no policy 'nonesuch'" "${after_prompt}numa: want KEY=NUMBER, got 'trigger=0x'" \
		"${after_prompt}numa: numa.reset_ms=1: want 10 to 60000" \
		'disco: vm shell1: numa: policy migrate; .*hot [0-9]+' \
		'disco: vm shell1: powered off \(exit status 0\)' 'disco: all VMs have ended; power off \(status 0\)'; do
		if [[ $pattern == !* ]]; then
			! grep -aEq -- "${pattern#!}" "$out" || { fail "$name" "'${pattern#!}' in $out"; return; }
		else
			grep -aEq -- "^$pattern" "$out" || { fail "$name" "no '$pattern' in $out"; return; }
		fi
	done
	pass "$name"
}
# SMP Linux guests (guest-images/linux/patches/0007-disco-smp.patch) with
# the SPLASH-style suite at its small sizes (guest-images/splash): a 4-vCPU
# VM; an 8-vCPU one on 4 CPUs; two 2-vCPU VMs and a uniprocessor one at
# once on 4 CPUs; a 4-vCPU VM that panics ends alone.
smp_vm() {  # NAME VCPUS THREADS (or - for tmpfs-test): a config section
	local run="disco.run=splash splash.p=$3 splash.size=small"
	[ "$3" = - ] && run="disco.run=tmpfs-test"
	printf '[vm %s]\nkernel = vmlinux\ninitrd = splash.cpio\nmemory = 96M\nvcpus = %s\ncmdline = console=ttyS0 panic=1 %s\n' "$1" "$2" "$run"
}
splash_passed() {   # VM: the patterns of a VM's whole small suite
	local p
	for p in fft lu radix ocean barnes water; do echo "\\[$1\\] $p: PASS "; done
	echo "\\[$1\\] splash: 0 programs failed"
	echo "disco: vm $1: powered off \\(exit status 0\\)"
}
# The NUMA engine (numa/): what it moves, a collapse seen by every vCPU,
# and placement never changing what a program computes.
numa_field() {       # LOG VM KEY: a number from the VM's "numa:" report line
	sed -n "s/^disco: vm $2: numa: .*[ ;]$3 \([0-9]*\).*/\1/p" "$1" | tail -n 1
}
numa_tests() {
	local dir=$LOGS/numa log active nlocal
	mkdir -p "$dir"
	cp build/linux/splash.cpio "$dir/"
	# memory on node 1, vCPUs on node 0: under migrate (with hinting
	# samples) the pages the VM uses come home; the census of the last 8 periods
	# of its touched private pages says how many are on the node that
	# touched them most (without migration: none of them). Under -icount,
	# so that a period is guest time: on host time a loaded host made the
	# last 8 periods an idle power-off (11 pages) or one program's fresh,
	# not yet moved pages (65% local), and the census failed 2 runs in 5
	printf '[vm home]\nkernel = vmlinux\ninitrd = splash.cpio\nmemory = 64M\nvcpus = 2\ncpus = 0-1\nnode = 1\nnuma_policy = migrate\nnuma.first_touch = 0\nnuma.trigger = 8\nnuma.sample = 2048\nnuma.census = 1\ncmdline = console=ttyS0 panic=1 disco.run=splash splash.p=2 splash.size=small splash.progs=fft,radix,lu,ocean\n' > "$dir/home.conf"
	tools/mkbundle.sh "$dir/home.conf" "$dir/home.cpio" build/linux/guest "$dir"
	log=$LOGS/numa-migrate-home.log
	if selected numa-migrate-home && ICOUNT=1 BUNDLE=$dir/home.cpio qemu_test numa-migrate-home 4 256M "numa=2" 0 300 \
		"\\[home\\] splash: 0 programs failed" "disco: vm home: powered off \\(exit status 0\\)" \
		"disco: vm home: numa: policy migrate; .*page-migrations [1-9][0-9]{2,}" '!Kernel panic|Oops|BUG:|FAIL'; then
		active=$(numa_field "$log" home active) nlocal=$(numa_field "$log" home local)
		if [ -z "$active" ] || [ "$active" -lt 50 ] || [ $((nlocal * 4)) -lt $((active * 3)) ]; then
			fail numa-migrate-home-census "of the last 8 periods: ${active:-?} touched private page-periods ${nlocal:-?} are local (want 75% of at least 50), see $log"
		else
			pass "numa-migrate-home-census ($nlocal of $active touched private page-periods local in the last 8 periods, $(numa_field "$log" home page-migrations) migrations)"
		fi
	fi
	# a VM spanning both nodes (one CPU each) under migrate-replicate: the
	# table both vCPUs read is replicated, thread 0's stores collapse it,
	# every thread reads the new words
	printf '[vm c]\nkernel = vmlinux\ninitrd = splash.cpio\nmemory = 64M\nvcpus = 2\nnuma_policy = migrate-replicate\nnuma.trigger = 4\nnuma.sharing = 1\ncmdline = console=ttyS0 panic=1 disco.run=splash splash.p=2 splash.size=small splash.progs=collapse\n' > "$dir/collapse.conf"
	tools/mkbundle.sh "$dir/collapse.conf" "$dir/collapse.cpio" build/linux/guest "$dir"
	ICOUNT=0 BUNDLE=$dir/collapse.cpio qemu_test numa-collapse 2 256M "numa=2" 0 300 \
		"\\[c\\] smp: Brought up 1 node, 2 CPUs" \
		"\\[c\\] collapse: PASS 2 threads, 512 pages, 2 generations: 0 stale words read" \
		"disco: vm c: powered off \\(exit status 0\\)" \
		"disco: vm c: numa: policy migrate-replicate; .*replications [1-9][0-9]* collapses [1-9][0-9]* .*text-blocks [1-9]" \
		'!Kernel panic|Oops|BUG:|FAIL'
	# placement never changes what a program computes: the system-call
	# suite's lines under each policy on two nodes, with thresholds low
	# enough that pages move, replicate and collapse all the time
	linux_equivalence_test linux-equivalence-migrate-replicate \
		"numa=2 numa_policy=migrate-replicate numa.trigger=2 numa.sharing=1 numa.sample=4096" 2
	linux_equivalence_test linux-equivalence-round-robin "numa=2 numa_policy=round-robin" 2
}
linux_smp_tests() {
	local dir=$LOGS/smp
	mkdir -p "$dir"
	cp build/linux/splash.cpio "$dir/"
	smp_vm smp4 4 4 > "$dir/smp4.conf"
	tools/mkbundle.sh "$dir/smp4.conf" "$dir/smp4.cpio" build/linux/guest "$dir"
	mapfile -t want < <(splash_passed smp4)
	ICOUNT=0 BUNDLE=$dir/smp4.cpio qemu_test linux-smp-4vcpus 4 512M "" 0 400 \
		"\\[smp4\\] smp: Brought up 1 node, 4 CPUs" "\\[smp4\\] splash: 4 processors" \
		"\\[smp4\\] splash: threads 4 size small" "${want[@]}" '!Kernel panic|Oops|BUG:|FAIL'
	# the most vCPUs a Linux guest takes (NR_CPUS=8), two to a CPU: vCPUs
	# migrate (their FPU state, ASIDs and l2tlb with them) while fft and water
	# compute in floating point
	smp_vm smp8 8 8 > "$dir/smp8.conf"
	tools/mkbundle.sh "$dir/smp8.conf" "$dir/smp8.cpio" build/linux/guest "$dir"
	mapfile -t want < <(splash_passed smp8)
	ICOUNT=0 BUNDLE=$dir/smp8.cpio qemu_test linux-smp-8vcpus-4cpus 4 512M "" 0 500 \
		"\\[smp8\\] smp: Brought up 1 node, 8 CPUs" "\\[smp8\\] splash: 8 processors" \
		"${want[@]}" "disco: vm smp8: ipis=[1-9][0-9]* yields-to=[0-9]+ yields-to-none=[0-9]+ migrations=[1-9]" \
		'!Kernel panic|Oops|BUG:|FAIL'
	{ smp_vm duo1 2 2; smp_vm duo2 2 2; smp_vm uni 1 -; } > "$dir/mixed.conf"
	tools/mkbundle.sh "$dir/mixed.conf" "$dir/mixed.cpio" build/linux/guest "$dir"
	mapfile -t want < <(splash_passed duo1; splash_passed duo2)
	ICOUNT=0 BUNDLE=$dir/mixed.cpio qemu_test linux-smp-2x2vcpus-1vcpu 4 768M "" 0 600 \
		"\\[duo1\\] splash: 2 processors" "\\[duo2\\] splash: 2 processors" "${want[@]}" \
		"\\[uni\\] tmpfs-test: 4 files, 4000 lines verified" \
		"disco: vm uni: powered off \\(exit status 0\\)" \
		"disco: all VMs have ended; power off \\(status 0\\)" '!Kernel panic|Oops|BUG:|FAIL'
	{ printf '[vm crash]\nkernel = vmlinux\nmemory = 64M\nvcpus = 4\ncmdline = console=ttyS0 panic=1 disco.run=panic-test\n'
	  smp_vm calm 1 -; } > "$dir/panic.conf"
	tools/mkbundle.sh "$dir/panic.conf" "$dir/panic.cpio" build/linux/guest "$dir"
	ICOUNT=0 BUNDLE=$dir/panic.cpio qemu_test linux-smp-panic-alone 4 512M "" 0 300 \
		"\\[crash\\] smp: Brought up 1 node, 4 CPUs" \
		"\\[crash\\] .*Kernel panic - not syncing: sysrq triggered crash" \
		"disco: vm crash: rebooted \\(a VM reboot ends it\\) \\(exit status 0\\)" \
		"\\[calm\\] tmpfs-test: 4 files, 4000 lines verified" \
		"disco: vm calm: powered off \\(exit status 0\\)" "disco: all VMs have ended"
}
if [ -f build/linux/guest/vmlinux ]; then
	linux_vms "$LOGS/linux1.conf" linux1:tmpfs-test
	tools/mkbundle.sh "$LOGS/linux1.conf" "$LOGS/linux1.cpio" build/linux/guest
	# On host time: -icount makes QEMU ~9x slower on Linux (110 s to boot).
	ICOUNT=0 BUNDLE=$LOGS/linux1.cpio qemu_test linux-boot 1 256M "trapsites" 0 300 \
		"\\[linux1\\] Run /init as init process" "\\[linux1\\] init: up \\(6\\.1\\." \
		"disco: vm linux1: vcpu 0: [0-9]+ emulated instructions, the most frequent sites:" \
		"disco: vm linux1:   [0-9a-f]{16} [a-z0-9-]+ +[0-9]+" \
		"\\[linux1\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux1\\] tmpfs-test: cpu loop done, acc=[0-9]+" \
		"\\[linux1\\] init: tmpfs-test exited with status 0" \
		"disco: vm linux1: memory: [0-9]{3,4} private, [1-9][0-9]{3} shared pages" \
		"disco: vm linux1: powered off \\(exit status 0\\)" '!Kernel panic|Oops|BUG:'
	linux_vms "$LOGS/linux4.conf" linux1:tmpfs-test linux2:tmpfs-test linux3:tmpfs-test linux4:tmpfs-test
	tools/mkbundle.sh "$LOGS/linux4.conf" "$LOGS/linux4.cpio" build/linux/guest
	ICOUNT=0 BUNDLE=$LOGS/linux4.cpio qemu_test linux-4vms-4cpus 4 512M "" 0 600 \
		"disco: vm linux1: vcpu 0 on cpu 0" "disco: vm linux4: vcpu 0 on cpu 3" \
		"\\[linux1\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux2\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux3\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux4\\] tmpfs-test: 4 files, 4000 lines verified" \
		"disco: vm linux1: powered off \\(exit status 0\\)" "disco: vm linux2: powered off \\(exit status 0\\)" \
		"disco: vm linux3: powered off \\(exit status 0\\)" "disco: vm linux4: powered off \\(exit status 0\\)" \
		"disco: vm linux4: memory: [0-9]{3,4} private, [1-9][0-9]{3} shared pages" \
		"disco: all VMs have ended; power off \\(status 0\\)" '!Kernel panic|Oops|BUG:'
	# four VMs of one kernel on 2 CPUs, their pages merged while they run
	ICOUNT=0 BUNDLE=$LOGS/linux4.cpio qemu_test linux-4vms-merge 2 512M "merge=64 merge_ticks=2" 0 600 \
		"disco: merge: 64 pages of each running VM hashed every 2 ticks" \
		"\\[linux1\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux2\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux3\\] tmpfs-test: 4 files, 4000 lines verified" \
		"\\[linux4\\] tmpfs-test: 4 files, 4000 lines verified" \
		"disco: vm linux1: merged: [1-9][0-9]{3,} of its pages" "disco: vm linux4: merged: [1-9][0-9]{3,} of its pages" \
		"disco: vm linux1: powered off \\(exit status 0\\)" "disco: vm linux2: powered off \\(exit status 0\\)" \
		"disco: vm linux3: powered off \\(exit status 0\\)" "disco: vm linux4: powered off \\(exit status 0\\)" \
		"disco: all VMs have ended; power off \\(status 0\\)" '!Kernel panic|Oops|BUG:'
	linux_vms "$LOGS/linux-panic.conf" crash:panic-test:0 calm:tmpfs-test:1
	tools/mkbundle.sh "$LOGS/linux-panic.conf" "$LOGS/linux-panic.cpio" build/linux/guest
	ICOUNT=0 BUNDLE=$LOGS/linux-panic.cpio qemu_test linux-panic-alone 2 256M "" 0 300 \
		"\\[crash\\] Kernel panic - not syncing: sysrq triggered crash" \
		"disco: vm crash: rebooted \\(a VM reboot ends it\\) \\(exit status 0\\)" \
		"\\[calm\\] tmpfs-test: 4 files, 4000 lines verified" \
		"disco: vm calm: powered off \\(exit status 0\\)" "disco: all VMs have ended"
	linux_smp_tests
	linux_console_test
	linux_equivalence_test
	# every page of the running Linux VM moved again and again
	linux_equivalence_test linux-equivalence-shuffle "shuffle=16 shuffle_ticks=2"
	# identical pages merged and zero pages given back all along
	linux_equivalence_test linux-equivalence-merge "merge=64 merge_ticks=1"
	# a 4-vCPU VM on 4 CPUs against the same (uniprocessor) native lines;
	# on host time: under -icount a 20 ms nanosleep took more than 2 s
	# (virtual) in 1 run of 7 on an idle host, cause not found
	ICOUNT=0 linux_equivalence_test linux-equivalence-4vcpus "" 4
	numa_tests
else
	fail linux-guests "build/linux/guest/vmlinux is missing (make linux)"
fi

# ---- the measurement tool ----
# Under -icount the instructions CPU 0 runs alone, from reset to its
# check-in mark (before the other CPUs are started), are the same in two
# runs to the instruction. The totals are not compared: the four CPUs then
# contend for a spinlock, and how often each one spins depends on how
# QEMU's single thread interleaves them (2.1 M and 3.9 M instructions were
# both seen). Every CPU runs the 97-instruction boot ROM stub exactly once;
# one check-in mark per CPU.
plugin_test() {
	local name=plugin-counts out=$LOGS/plugin a b
	local mark=0x$(nm "$ELF" | awk '$3 == "bench_mark" { print $1 }')
	selected "$name" || return 0
	run() {         # N: CPU 0's count at its check-in mark in $alone
		alone=
		timeout -s KILL 60 tools/qemu-malta.sh \
			-semihosting -icount shift=0,sleep=off -smp 4 -m 128M -kernel "$ELF" \
			-append "test=spinlock iters=2000 semihosting" \
			-plugin "$PWD/build/insncount.so,out=$out.$1.txt,mark=$mark" \
			< /dev/null > "$out.$1.log" 2>&1 || { fail $name "run $1 failed, see $out.$1.log"; return 1; }
		alone=$(sed -n 's/^mark 0 addr [^ ]* cpu 0 all \([0-9]*\) .*/\1/p' "$out.$1.txt")
	}
	run 1 && a=$alone && run 2 && b=$alone || return
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		fail $name "CPU 0's instructions to its check-in differ: '$a' and '$b' (see $out.1.txt, $out.2.txt)"
	elif ! grep -q '^total all [0-9]* monitor [0-9]* kernel 0 user 0 other 388$' "$out.1.txt"; then
		fail $name "unexpected region split in $out.1.txt"
	elif [ "$(grep -c '^mark ' "$out.1.txt")" -ne 4 ]; then
		fail $name "want 4 check-in marks in $out.1.txt"
	else
		pass "$name ($a instructions to CPU 0's check-in in both runs; totals $(sed -n 's/^total all \([0-9]*\).*/\1/p' "$out.1.txt") and $(sed -n 's/^total all \([0-9]*\).*/\1/p' "$out.2.txt"))"
	fi
}
plugin_test

# The ccNUMA cost model (tools/qemu-plugins/ccnuma.c) on a 2-node machine:
# test=alloc has CPU 0 write and read back the first line of every page of
# node 0, then of node 1. QEMU reports RAM at 0x80000000 + offset; once
# normalised, node 1's pages (offsets 128-256 MiB, home node 1) must take
# CPU 0's misses as remote, two per page (write, then the read-back; at
# most 256 lines, 2 ways of the 128 sets a page's first line can use, are
# still cached), and node 0's as local. The topology is given in the
# explicit form (",," is QEMU's escaped comma) and must match the
# monitor's numa=2. Its instruction counts are insncount's (mode=inline,
# loaded in the same run).
ccnuma_test() {
	local name=ccnuma-2nodes out=$LOGS/ccnuma
	local mark=0x$(nm "$ELF" | awk '$3 == "bench_mark" { print $1 }')
	selected "$name" || return 0
	if ! timeout -s KILL 60 tools/qemu-malta.sh \
		-semihosting -icount shift=0,sleep=off -smp 2 -m 256M -kernel "$ELF" \
		-append "test=alloc numa=2 semihosting" \
		-plugin "$PWD/build/ccnuma.so,out=$out.json,ram=256M,numa=0:128M,,1:128M,top=100000,interval=10,mark=$mark" \
		-plugin "$PWD/build/insncount.so,out=$out.count,mode=inline" \
		< /dev/null > "$out.log" 2>&1; then
		fail $name "QEMU failed, see $out.log"
		return
	fi
	if ! grep -aq '^disco:   node 1: cpus 1, ram 08000000-0fffffff (128 MiB)' "$out.log" ||
		! grep -aq '^selftest alloc: PASS' "$out.log"; then
		fail $name "the monitor's run is not the expected one, see $out.log"
		return
	fi
	local verdict
	if verdict=$(python3 - "$out.json" "$out.count" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
counted = {}
for w in (l.split() for l in open(sys.argv[2])):
	if w and w[0] in ("cpu", "total"):
		counted[w[1] if w[0] == "cpu" else "all"] = int(w[w.index("all") + 1])
MiB = 1 << 20
bad = []
def want(cond, what):
	if not cond:
		bad.append(what)
n0, n1 = d["nodes"]
want((n0["mem_start"], n0["mem_size"], n0["cpus"]) == (0, 128 * MiB, [0]), "node 0 layout")
want((n1["mem_start"], n1["mem_size"], n1["cpus"]) == (128 * MiB, 128 * MiB, [1]), "node 1 layout")
ph = d["phys"]
want(ph["ram_high"] > 1000000 and ph["ram_low"] == 0 and ph["ram_postio"] == 0 and ph["not_ram"] == 0,
     "QEMU 7.2 reports RAM at 0x80000000 + offset only: %s" % ph)
want(ph["ifetch_base_checked"] > 100 and ph["ifetch_base_mismatch"] == 0, "instruction fetch offsets: %s" % ph)
c0, c1 = d["cpus"]
local, remote = n0["misses_by_home"]
want(65536 - 256 <= remote <= 65536 + 1000, "CPU 0's remote misses on node 1: %d" % remote)
want(2 * 32000 <= local, "CPU 0's local misses: %d" % local)
want(c0["miss_remote"] == remote + 0 and c0["miss_local"] == local, "per-CPU and per-node counts differ")
want(c0["dmiss_remote"] + c0["imiss_remote"] == c0["miss_remote"], "miss sums")
pages = d["pages"]
hi = [p for p in pages if p["offset"] >= 128 * MiB]
want(all(p["home"] == 1 for p in hi) and all(p["home"] == 0 for p in pages if p["offset"] < 128 * MiB),
     "a page's home is not the node of its offset")
want(sum(1 for p in hi if p["by_node"][0] >= 1) >= 32768, "node 1's pages missed by node 0: %d" % len(hi))
for c in d["cpus"]:
	t = c["insns"] * 5 + (c["miss_local"] + c["upgrade_local"]) * 300 + \
	    (c["miss_remote"] + c["upgrade_remote"]) * 900
	want(abs(c["time_ns"] - t) <= 1, "cpu %d time_ns %s, want %d" % (c["cpu"], c["time_ns"], t))
tot = d["total"]
want(counted.get("all") == tot["insns"] and counted.get("0") == c0["insns"],
     "instructions differ from insncount's in the same run: %s, %d" % (counted, tot["insns"]))
want(tot["insns"] == c0["insns"] + c1["insns"] and tot["miss_remote"] == c0["miss_remote"] + c1["miss_remote"],
     "total is not the sum")
s = d["series"]["samples"]
for k, i in (("insns", "insns"), ("local", "miss_local"), ("remote", "miss_remote")):
	want([sum(x[k][c] for x in s) for c in (0, 1)] == [c0[i], c1[i]], "series %s do not add up" % k)
want(s[-1]["end"] == tot["insns"] and len(s) >= 3, "series ends at %d" % s[-1]["end"])
m = d["marks"]
want(m["recorded"] == 2 and m["addrs"][0]["hits"] == 2, "want 2 check-in marks: %s" % m["addrs"])
print("CPU 0: %d local, %d remote misses (%d of node 1's pages), %d instructions" %
      (local, remote, len(hi), c0["insns"]))
if bad:
	print("; ".join(bad))
	sys.exit(1)
PY
	); then
		pass "$name ($verdict)"
	else
		fail $name "$verdict (see $out.json)"
	fi
}
ccnuma_test

# ---- the real disk (devices/realdisk.c) and the disk store on it ----
# disk_sum FILE FIRST N: the FNV-1a checksum the monitor prints for an
# image at sector FIRST with N sectors summed (monitor/disk.c).
disk_sum() {
	python3 - "$@" <<'PY'
import sys
f, first, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = open(f, "rb").read()[first * 512:(first + n) * 512]
h = 0x811c9dc5
for c in d:
	h = ((h ^ c) * 16777619) & 0xffffffff
print("%08x" % h)
PY
}

# disk_stamp_ok FILE FIRST: the 8 sectors at FIRST hold disk_stamp='s pattern.
disk_stamp_ok() {
	python3 - "$@" <<'PY'
import sys
f, first = sys.argv[1], int(sys.argv[2])
d = open(f, "rb").read()[first * 512:(first + 8) * 512]
sys.exit(0 if all(d[s * 512 + i] == (s * 31 + i * 7 + 0x5a) & 0xff
		  for s in range(8) for i in range(512)) else 1)
PY
}

disk_tests() {
	local dir=$LOGS/disk img base note sum_base sum_note sum_zero sum_stamp before
	rm -rf "$dir" && mkdir -p "$dir"
	img=$dir/store.img
	base=$dir/base.bin
	note=$dir/note.txt
	python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 13 + i // 512) & 0xff for i in range(40000)))' > "$base"
	printf 'disco persistent note\n' > "$note"
	if ! tools/mkdisk.sh "$img" base="$base" note="$note":persistent data=:persistent:1M \
			> "$dir/mkdisk.log" 2>&1; then
		fail disk-mkdisk "tools/mkdisk.sh failed, see $dir/mkdisk.log"
		return 0
	fi
	# base at 8 (79 sectors: 40000 bytes padded), note at 88 (1), data at 96 (2048)
	sum_base=$(disk_sum "$img" 8 64)
	sum_note=$(disk_sum "$img" 88 1)
	sum_zero=$(disk_sum "$img" 96 64)
	cp "$img" "$dir/fresh.img"

	qemu_test disk-none 2 128M "poweroff" 0 60 \
		"disco: disk: none \\(no virtio-blk PCI device on bus 0\\)" "disco: power off" '!PANIC'

	# First boot: the store and each image with the host's checksum; the
	# stamp goes to data (persistent) and is flushed.
	DISK=$img qemu_test disk-store-stamp 2 128M "disk_stamp=data poweroff" 0 60 \
		"disco: disk: virtio-blk at 00:12\\.0, 2144 sectors \\(1 MiB\\)" \
		"disco: disk store: 3 images in 2144 sectors" \
		"disco:   image base: base, 79 sectors at 8 \\(39 KiB\\), fnv1a of the first 64 sectors $sum_base" \
		"disco:   image note: persistent, 1 sectors at 88 \\(0 KiB\\), fnv1a of the first 1 sectors $sum_note" \
		"disco:   image data: persistent, 2048 sectors at 96 \\(1024 KiB\\), fnv1a of the first 64 sectors $sum_zero" \
		"disco: disk: stamp of data: written and flushed" "disco: power off" '!PANIC' '!error'
	if selected disk-store-stamp; then
		sum_stamp=$(disk_sum "$img" 96 64)
		if ! disk_stamp_ok "$img" 96; then
			fail disk-stamp-in-file "the file's data image does not hold the stamp"
		elif ! grep -aq "^disco:   image data: .*sectors $sum_stamp" "$LOGS/disk-store-stamp.log"; then
			fail disk-stamp-in-file "the monitor's checksum after the stamp is not the file's ($sum_stamp)"
		elif ! cmp -s <(head -c $((96 * 512)) "$img") <(head -c $((96 * 512)) "$dir/fresh.img") ||
		     ! cmp -s <(tail -c +$((104 * 512 + 1)) "$img") <(tail -c +$((104 * 512 + 1)) "$dir/fresh.img"); then
			fail disk-stamp-in-file "bytes outside data's first 4 KiB changed"
		else
			pass disk-stamp-in-file
		fi
		# Second boot of the same file: the stamp is there.
		DISK=$img qemu_test disk-store-persists 1 128M "poweroff" 0 60 \
			"disco:   image data: persistent, 2048 sectors at 96 \\(1024 KiB\\), fnv1a of the first 64 sectors $sum_stamp" \
			"disco:   image base: base, .*$sum_base" "disco: power off" '!PANIC'
	fi

	# A base image is not writable: the stamp is refused, the file unchanged.
	cp "$dir/fresh.img" "$dir/base-stamp.img"
	DISK=$dir/base-stamp.img qemu_test disk-stamp-base-refused 1 128M "disk_stamp=base poweroff" 0 60 \
		"disco: error: disk_stamp=base: not a writable image of 4 KiB at least; refused" \
		"disco: power off" '!written and flushed'
	if selected disk-stamp-base-refused; then
		if cmp -s "$dir/fresh.img" "$dir/base-stamp.img"; then
			pass disk-base-unchanged
		else
			fail disk-base-unchanged "the disk file changed"
		fi
	fi

	# A malformed table (data moved over note) is refused with its reason;
	# the monitor carries on. A disk without a store is said to be one.
	cp "$dir/fresh.img" "$dir/overlap.img"
	printf '\x58' | dd of="$dir/overlap.img" bs=1 seek=$((512 + 2 * 64 + 32)) conv=notrunc status=none
	DISK=$dir/overlap.img qemu_test disk-store-malformed 1 128M "poweroff" 0 60 \
		"disco: error: disk store: images note and data overlap; its images are not used" \
		"disco: power off" '!image data:'
	head -c 1M /dev/zero > "$dir/blank.img"
	DISK=$dir/blank.img qemu_test disk-no-store 1 128M "poweroff" 0 60 \
		"disco: disk: virtio-blk at 00:12\\.0, 2048 sectors \\(1 MiB\\)" \
		"disco: disk: no disk store on it \\(no DISCODSK header\\)" "disco: power off"

	# Timed reads (the numbers are in the log), then 4 CPUs reading at once.
	DISK=$img qemu_test disk-read-timing 4 128M "test=disk" 0 120 \
		"disk: 200 reads of 4 KiB: 200 requests, Count ticks per request: submit [0-9]+, wait [0-9]+" \
		"disk: 4 cpus x 16 reads of 4 KiB at once: 0 differ from cpu 0.s alone" \
		"disk: 0 failed" "selftest disk: PASS"
}
disk_tests

# Linux's own virtio_blk on the VMs' virtual disks (devices/vdisk.h): an
# ext4 image in the real disk's store, read by two VMs through their cow
# overlays and written by each (the disk file must not change at all), and
# a persistent image whose new file survives a second boot of the machine.
linux_disk_tests() {
	local dir=$LOGS/linux-disk img root sum_data sum_disk written
	[ -f build/linux/guest/vmlinux ] || return 0
	rm -rf "$dir" && mkdir -p "$dir/root"
	printf 'hello from the base image\n' > "$dir/root/hello.txt"
	head -c 3000000 /dev/urandom > "$dir/root/data.bin"
	sum_data=$(sha256sum "$dir/root/data.bin" | cut -d' ' -f1)
	if ! mke2fs -q -F -t ext4 -d "$dir/root" "$dir/base.ext4" 16M > "$dir/mke2fs.log" 2>&1 ||
	   ! cp "$dir/base.ext4" "$dir/data.ext4" ||
	   ! tools/mkdisk.sh "$dir/disk.img" base="$dir/base.ext4" data="$dir/data.ext4":persistent \
			> "$dir/mkdisk.log" 2>&1; then
		fail linux-disk-images "mke2fs or tools/mkdisk.sh failed, see $dir"
		return 0
	fi
	img=$dir/disk.img
	sum_disk=$(sha256sum "$img" | cut -d' ' -f1)
	cp build/linux/guest/vmlinux build/linux/disk-test.cpio "$dir/"
	{ for vm in cowa cowb; do
		printf '[vm %s]\nkernel = vmlinux\ninitrd = disk-test.cpio\nmemory = 64M\ndisk = base cow\n' "$vm"
		printf 'cmdline = console=ttyS0 panic=1 disco.run=disk-test disco.disk=write\n\n'
	  done
	  printf '[vm nosuch]\nkernel = vmlinux\ndisk = nosuch cow\n\n'
	  printf '[vm basewrite]\nkernel = vmlinux\ndisk = base persistent\n'
	} > "$dir/cow.conf"
	tools/mkbundle.sh "$dir/cow.conf" "$dir/cow.cpio" "$dir" > /dev/null
	DISK=$img ICOUNT=0 BUNDLE=$dir/cow.cpio qemu_test linux-disk-cow-2vms 2 256M "" 0 300 \
		"disco: error: vm nosuch, line [0-9]+: disk: no image 'nosuch' on the real disk" \
		"disco: error: vm basewrite, line [0-9]+: disk: image 'base' is a base image, not persistent" \
		"disco: vm cowa: disk vda: image base, cow, 16 MiB, virtio at 18010000" \
		"\\[cowa\\] disk-test: hello from the base image" \
		"\\[cowb\\] disk-test: hello from the base image" \
		"\\[cowa\\] disk-test: data.bin $sum_data" "\\[cowb\\] disk-test: data.bin $sum_data" \
		"\\[cowa\\] disk-test: write ok" "\\[cowb\\] disk-test: write ok" \
		"disco: vm cowa: disk vda \\(base, cow\\): [1-9][0-9]* reads .* 0 I/O errors, 0 malformed, 0 device errors, 0 bad accesses, 0 too large, [0-9]+ notifies cut short, overlay [1-9][0-9]* blocks" \
		"disco: vm cowb: disk vda \\(base, cow\\): [1-9][0-9]* reads \\([0-9]+ KiB, [1-9][0-9]* pages shared\\)" \
		"disco: buffer cache: [1-9][0-9]* of [0-9]+ blocks of 4 KiB held, [1-9][0-9]* hits" \
		"disco: all VMs have ended" '!Kernel panic|Oops|BUG:|FAILED'
	if selected linux-disk-cow-2vms; then
		if [ "$(sha256sum "$img" | cut -d' ' -f1)" = "$sum_disk" ]; then
			pass linux-disk-cow-base-unchanged
		else
			fail linux-disk-cow-base-unchanged "the disk file changed under cow disks"
		fi
	fi
	printf '[vm keeper]\nkernel = vmlinux\ninitrd = disk-test.cpio\nmemory = 64M\ndisk = data persistent\ncmdline = console=ttyS0 panic=1 disco.run=disk-test disco.disk=%s\n' \
		write > "$dir/write.conf"
	sed 's/disco.disk=write/disco.disk=check/' "$dir/write.conf" > "$dir/check.conf"
	tools/mkbundle.sh "$dir/write.conf" "$dir/write.cpio" "$dir" > /dev/null
	tools/mkbundle.sh "$dir/check.conf" "$dir/check.cpio" "$dir" > /dev/null
	DISK=$img ICOUNT=0 BUNDLE=$dir/write.cpio qemu_test linux-disk-persistent-write 1 256M "" 0 300 \
		"\\[keeper\\] disk-test: data.bin $sum_data" "\\[keeper\\] disk-test: write ok" \
		"disco: vm keeper: disk vda \\(data, persistent\\): [1-9][0-9]* reads .* [1-9][0-9]* writes .* 0 I/O errors" \
		'!Kernel panic|Oops|BUG:|FAILED'
	written=$(sed -n 's/^\[keeper\] disk-test: written.bin \([0-9a-f]*\).*/\1/p' "$LOGS/linux-disk-persistent-write.log" | head -n 1)
	DISK=$img ICOUNT=0 BUNDLE=$dir/check.cpio qemu_test linux-disk-persistent-check 1 256M "" 0 300 \
		"\\[keeper\\] disk-test: written.bin ${written:-none}" "\\[keeper\\] disk-test: check ok" \
		'!Kernel panic|Oops|BUG:|FAILED'
}
linux_disk_tests

# Two VMs on the virtual subnet (devices/vnet.h, guest-images/linux/net):
# they ping each other, send 64 MiB over TCP with nc and a file over HTTP
# (busybox httpd and wget), both sides' sha256 compared; the throughput the
# guests saw is in the log. A VM with another's MAC is rejected at load, a
# group MAC when parsed; the monitor's counters at each VM's end.
linux_net_tests() {
	local dir=$LOGS/linux-net log sent recv served got
	selected linux-net-2vms || return 0
	[ -f build/linux/guest/vmlinux ] || return 0
	rm -rf "$dir" && mkdir -p "$dir"
	cp build/linux/guest/vmlinux build/linux/net-test.cpio "$dir/"
	{ printf '[vm a]\nkernel = vmlinux\ninitrd = net-test.cpio\nmemory = 64M\n'
	  printf 'net = 52:54:00:00:00:01 10.0.0.1/24\n'
	  printf 'cmdline = console=ttyS0 panic=1 disco.run=net-test disco.role=send disco.peer=10.0.0.2\n\n'
	  printf '[vm b]\nkernel = vmlinux\ninitrd = net-test.cpio\nmemory = 64M\n'
	  printf 'net = 52:54:00:00:00:02 10.0.0.2/24\n'
	  printf 'cmdline = console=ttyS0 panic=1 disco.run=net-test disco.role=recv disco.peer=10.0.0.1\n\n'
	  printf '[vm dupmac]\nkernel = vmlinux\nmemory = 16M\nnet = 52:54:00:00:00:01 10.0.0.3/24\n\n'
	  printf '[vm groupmac]\nkernel = vmlinux\nmemory = 16M\nnet = 53:54:00:00:00:04 10.0.0.4/24\n'
	} > "$dir/vms.conf"
	tools/mkbundle.sh "$dir/vms.conf" "$dir/net.cpio" "$dir" > /dev/null
	ICOUNT=0 BUNDLE=$dir/net.cpio qemu_test linux-net-2vms 2 256M "" 0 600 \
		"disco: error: vm dupmac, line [0-9]+: net: MAC 52:54:00:00:00:01 is vm a's" \
		"disco: error: vm groupmac, line [0-9]+: net: MAC 53:54:00:00:00:04 is a group \\(multicast\\) address" \
		"disco: vm a: net eth0: 52:54:00:00:00:01,10.0.0.1/24, port 0, virtio at 18010000" \
		"\\[a\\] net-test: eth0 52:54:00:00:00:01 10.0.0.1/24 up, mtu 1500" \
		"\\[b\\] net-test: eth0 52:54:00:00:00:02 10.0.0.2/24 up, mtu 1500" \
		"\\[a\\] net-test: ping: 5 packets transmitted, 5 packets received, 0% packet loss" \
		"\\[b\\] net-test: ping: 5 packets transmitted, 5 packets received, 0% packet loss" \
		"\\[a\\] net-test: tcp: sent 67108864 bytes sha256 [0-9a-f]{64}" \
		"\\[b\\] net-test: tcp-raw: received 4194304 bytes from a in [0-9.]+ s" \
		"\\[a\\] net-test: tcp-raw: received 4194304 bytes from b in [0-9.]+ s" \
		"\\[b\\] net-test: tcp: received 67108864 bytes in [0-9.]+ s" \
		"\\[a\\] net-test: http: got file.bin 4194304 bytes" \
		"\\[b\\] net-test: http: peer says done" \
		"\\[a\\] net-test: send ok" "\\[b\\] net-test: recv ok" \
		"disco: vm a: net eth0 \\(52:54:00:00:00:01\\): tx [1-9][0-9]* packets" \
		"disco: vm b: net eth0: dropped: tx 0 length, 0 header, 0 link down, 0 spoofed, 0 unknown destination, 0 to itself, 0 runt; .* 0 malformed, 0 device errors, 0 bad accesses" \
		"disco: all VMs have ended" '!Kernel panic|Oops|BUG:|FAILED'
	selected linux-net-2vms || return 0
	log=$LOGS/linux-net-2vms.log
	sent=$(sed -n 's/^\[a\] net-test: tcp: sent [0-9]* bytes sha256 \([0-9a-f]*\).*/\1/p' "$log")
	recv=$(sed -n 's/^\[b\] net-test: tcp: received .* sha256 \([0-9a-f]*\).*/\1/p' "$log")
	if [ -n "$sent" ] && [ "$sent" = "$recv" ]; then
		pass linux-net-tcp-sums
	else
		fail linux-net-tcp-sums "sent '${sent}' received '${recv}', see $log"
	fi
	served=$(sed -n 's/^\[b\] net-test: http: serving file.bin sha256 \([0-9a-f]*\).*/\1/p' "$log")
	got=$(sed -n 's/^\[a\] net-test: http: got file.bin .* sha256 \([0-9a-f]*\).*/\1/p' "$log")
	if [ -n "$served" ] && [ "$served" = "$got" ]; then
		pass linux-net-http-sums
	else
		fail linux-net-http-sums "served '${served}' got '${got}', see $log"
	fi
	grep -aE '^\[(a|b)\] net-test: (ping: round|tcp|cpu|http: got)|^disco: vm (a|b): net eth0' "$log"
}
linux_net_tests

# A VM boots Debian bookworm (tools/mkrootfs.sh, docs/debian-rootfs.md) from
# a cow disk as its root filesystem, with its own init, and runs Debian's
# programs (debian-check); the image on the real disk is left as it was.
linux_debian_test() {
	local dir=$LOGS/linux-debian rootfs sum_disk
	selected linux-debian-boot || return 0
	[ -f build/linux/guest/vmlinux ] || return 0
	rm -rf "$dir" && mkdir -p "$dir"
	if ! rootfs=$(tools/mkrootfs.sh > "$dir/mkrootfs.log" 2>&1 && tools/mkrootfs.sh --path) ||
	   ! tools/mkdisk.sh "$dir/disk.img" debian="$rootfs":base > "$dir/mkdisk.log" 2>&1; then
		fail linux-debian-boot "tools/mkrootfs.sh or tools/mkdisk.sh failed, see $dir"
		return 0
	fi
	sum_disk=$(sha256sum "$dir/disk.img" | cut -d' ' -f1)
	cp build/linux/guest/vmlinux "$dir/"
	printf '[vm deb]\nkernel = vmlinux\nmemory = 128M\ndisk = debian cow\ncmdline = %s\n' \
		'console=ttyS0 panic=1 root=/dev/vda rw rootfstype=ext4 rdinit=/sbin/init disco.run=debian-check' \
		> "$dir/vms.conf"
	tools/mkbundle.sh "$dir/vms.conf" "$dir/debian.cpio" "$dir" > /dev/null
	DISK=$dir/disk.img ICOUNT=0 BUNDLE=$dir/debian.cpio qemu_test linux-debian-boot 1 256M "" 0 400 \
		"\\[deb\\] EXT4-fs \\(vda\\): mounted filesystem" \
		"\\[deb\\] Run /sbin/init as init process" \
		"\\[deb\\] debian-check: Linux 6\\.1\\.[0-9]+ mips64, Debian 12\\.[0-9]+, root on /dev/vda ext4" \
		"\\[deb\\] debian-check: ok perl" "\\[deb\\] debian-check: ok sqlite3" \
		"\\[deb\\] debian-check: ok ps-pid1" \
		"\\[deb\\] debian-check: 13 passed, 0 failed" \
		"disco: vm deb: powered off" '!Kernel panic|Oops|BUG:|FAIL'
	if selected linux-debian-boot; then
		if [ "$(sha256sum "$dir/disk.img" | cut -d' ' -f1)" = "$sum_disk" ]; then
			pass linux-debian-image-unchanged
		else
			fail linux-debian-image-unchanged "the disk file changed under a cow disk"
		fi
	fi
}
linux_debian_test


echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
