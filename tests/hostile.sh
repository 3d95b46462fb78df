# The hostile-guest suite (sourced by tests/run.sh, which provides pass,
# fail, selected, ELF and LOGS). Each case boots the monitor on one CPU
# with a victim VM (guest-images/hostile/victim.c: known values everywhere,
# "victim: round N", then a verdict) and an attacker VM beside it on the
# same CPU (hostile.elf, whose case is its cmdline's hostile=CASE), or with
# a malformed boot bundle, image or configuration beside the victim. A case
# fails if QEMU times out or the monitor panics, if the attacker reports an
# escape, if the victim does not end intact with status 0 or is slowed
# beyond its fair share (more than 2.6 times its time alone: two VMs on one
# CPU need twice), or if the case's own outcome is missing. Fairness cases
# (--fair) also need the victim to end before the attacker's long attack.
# docs/security.md maps each case to the promise it checks.

HOSTILE_STAGE=$LOGS/hostile
HOSTILE_IMAGES=build/guest-images
HOSTILE_SLOWDOWN=26             # tenths: the victim's time with the attacker / alone
HOSTILE_BASE=                   # the victim's ticks alone (hostile-baseline)
HOSTILE_BASE_RAN=               # set once hostile-baseline has run

mkdir -p "$HOSTILE_STAGE"

# The victim's section; every case's configuration starts with it.
hostile_victim_conf() {
	printf '[vm victim]\nkernel = victim.elf\nmemory = 8M\ncpus = 0\n\n'
}

# A 12 MiB VM on CPU 0 running the attacker image with cmdline hostile=CASE.
hostile_vm_conf() {             # NAME KERNEL CASE
	printf '[vm %s]\nkernel = %s\nmemory = 12M\ncpus = 0\ncmdline = hostile=%s\n\n' "$1" "$2" "$3"
}

# hostile_boot NAME BUNDLE [APPEND]: one CPU, 64 MiB, virtual time; the log
# (CRs removed) in $LOGS/hostile-NAME.log; returns QEMU's exit status
# (137: killed after 60 s). With HOSTILE_STOP set, the operator stops that
# VM from the monitor prompt once the victim has ended.
hostile_boot() {
	local name=$1 bundle=$2 append=${3:-} log=$LOGS/hostile-$1.log fifo pid i rc
	if [ -z "${HOSTILE_STOP:-}" ]; then
		timeout -s KILL 60 tools/qemu-malta.sh -smp 1 -m 64M -kernel "$ELF" \
			-initrd "$bundle" -icount shift=0,sleep=off -append "$append" \
			< /dev/null 2>&1 | tr -d '\r' > "$log"
		return "${PIPESTATUS[0]}"
	fi
	fifo=$HOSTILE_STAGE/$name.in
	rm -f "$fifo"
	mkfifo "$fifo"
	timeout -s KILL 60 tools/qemu-malta.sh -smp 1 -m 64M -kernel "$ELF" \
		-initrd "$bundle" -icount shift=0,sleep=off -append "$append" \
		< "$fifo" > "$log.raw" 2>&1 &
	pid=$!
	exec 3> "$fifo"
	for ((i = 0; i < 300; i++)); do
		grep -aq '^disco: vm victim: powered off' "$log.raw" && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	# Ctrl-] : opens the prompt; a subshell takes the SIGPIPE if QEMU is gone
	(printf '\035:stop %s\r\r' "$HOSTILE_STOP" >&3) 2> /dev/null
	wait "$pid"
	rc=$?
	exec 3>&-
	rm -f "$fifo"
	tr -d '\r' < "$log.raw" > "$log"
	return "$rc"
}

# A bundle of CONFIG with the images in build/guest-images and the stage.
hostile_bundle() {              # NAME CONFIG: makes $HOSTILE_STAGE/NAME.cpio
	tools/mkbundle.sh "$2" "$HOSTILE_STAGE/$1.cpio" "$HOSTILE_IMAGES" "$HOSTILE_STAGE"
}

# Each *_why prints why a log fails one kind of check, or nothing.
hostile_machine_why() {         # RC LOG: a hang, a panic, an escape
	if [ "$1" -eq 137 ]; then
		echo "timed out (the monitor or a VM hung), see $2"
	elif grep -aq '^PANIC on cpu' "$2"; then
		echo "the monitor panicked: $(grep -a -m1 '^PANIC on cpu' "$2")"
	elif [ "$1" -ne 0 ]; then
		echo "QEMU exited with status $1, see $2"
	elif grep -aq '^\[[^]]*\] hostile: ESCAPE' "$2"; then
		grep -a -m1 '^\[[^]]*\] hostile: ESCAPE' "$2"
	fi
}

hostile_victim_why() {          # LOG: intact, status 0, its fair share of time
	local ticks line
	if ! grep -aq '^\[victim\] victim: intact, ' "$1"; then
		line=$(grep -a -m1 '^\[victim\] victim: CORRUPTED' "$1")
		[ -n "$line" ] || line="the victim gave no verdict; the last monitor line: $(grep -a '^disco: ' "$1" | tail -n 1)"
		echo "$line, see $1"
		return
	elif ! grep -aq '^disco: vm victim: powered off (exit status 0)' "$1"; then
		echo "the victim did not power off with status 0, see $1"
		return
	fi
	ticks=$(sed -n 's/^\[victim\] victim: elapsed \([0-9]*\) ticks.*/\1/p' "$1")
	if [ -z "$HOSTILE_BASE" ] || [ -z "$ticks" ]; then
		echo "no elapsed time for the victim here or alone (hostile-baseline)"
	elif [ $((ticks * 10)) -gt $((HOSTILE_BASE * HOSTILE_SLOWDOWN)) ]; then
		echo "the victim took $((ticks * 10 / HOSTILE_BASE)) tenths of its time alone (at most $HOSTILE_SLOWDOWN): starved"
	fi
}

hostile_fair_why() {            # LOG: the victim ended before the long attack
	comes_first "$1" '^disco: vm victim: powered off' '^disco: vm attacker: .*(exit status' ||
		echo "the victim did not end before the attacker's long attack ($order_lines)"
}

hostile_patterns_why() {        # LOG PATTERN...: each (or !PATTERN not) in LOG
	local log=$1 pattern
	shift
	for pattern in "$@"; do
		if [[ $pattern == !* ]]; then
			if LC_ALL=C grep -aEq -- "${pattern#!}" "$log"; then
				echo "unexpected: $(LC_ALL=C grep -aE -m1 -- "${pattern#!}" "$log" | cat -v | cut -c1-120)"
				return
			fi
		elif ! LC_ALL=C grep -aEq -- "$pattern" "$log"; then
			echo "no '$pattern' in $log"
			return
		fi
	done
}

# hostile_check NAME RC [--fair] [--no-victim] PATTERN...: the verdict on
# $LOGS/hostile-NAME.log: no hang, panic or escape; the victim intact, at
# status 0, in its fair share of time (and with --fair, before the
# attacker); then each PATTERN (extended regex per line; !PATTERN: absent).
hostile_check() {
	local name=$1 rc=$2 log=$LOGS/hostile-$1.log fair= victim=1 why
	shift 2
	while [[ ${1:-} == --* ]]; do
		case $1 in
		--fair) fair=1 ;;
		--no-victim) victim= ;;
		esac
		shift
	done
	[ -z "$victim" ] || [ -n "$HOSTILE_BASE_RAN" ] || hostile_baseline
	why=$(hostile_machine_why "$rc" "$log")
	[ -n "$why" ] || [ -z "$victim" ] || why=$(hostile_victim_why "$log")
	[ -n "$why" ] || [ -z "$fair" ] || why=$(hostile_fair_why "$log")
	[ -n "$why" ] || why=$(hostile_patterns_why "$log" "$@")
	if [ -n "$why" ]; then
		fail "hostile-$name" "$why"
	else
		pass "hostile-$name"
	fi
}

# hostile_case NAME [--fair] [--ends REGEX] [--stop] [PATTERN...]: the
# victim and the attacker running case NAME on CPU 0. The attacker must print
# "blocked" and power off, or (--ends) be ended by the monitor with that
# report, or (--stop) be stopped from the monitor prompt; and each PATTERN
# (as hostile_check's) must hold.
hostile_case() {
	local name=$1 fair= ends='powered off \(exit status 0\)' stop= rc patterns=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--fair) fair=--fair ;;
		--ends) ends=$2; shift ;;
		--stop) stop=attacker; ends='stopped from the monitor prompt \(exit status 0\)' ;;
		*) patterns+=("$1") ;;
		esac
		shift
	done
	selected "hostile-$name" || return 0
	{ hostile_victim_conf; hostile_vm_conf attacker hostile.elf "$name"; } > "$HOSTILE_STAGE/$name.conf"
	hostile_bundle "$name" "$HOSTILE_STAGE/$name.conf"
	HOSTILE_STOP=$stop hostile_boot "$name" "$HOSTILE_STAGE/$name.cpio"
	rc=$?
	hostile_check "$name" "$rc" $fair "^\\[attacker\\] hostile: $name: blocked" \
		"^disco: vm attacker: $ends" "${patterns[@]}"
}

# The victim alone: its time for the fair-share checks.
hostile_baseline() {
	local rc
	HOSTILE_BASE_RAN=1
	hostile_victim_conf > "$HOSTILE_STAGE/baseline.conf"
	hostile_bundle baseline "$HOSTILE_STAGE/baseline.conf"
	hostile_boot baseline "$HOSTILE_STAGE/baseline.cpio"
	rc=$?
	HOSTILE_BASE=$(sed -n 's/^\[victim\] victim: elapsed \([0-9]*\) ticks.*/\1/p' "$LOGS/hostile-baseline.log")
	hostile_check baseline "$rc" '^\[victim\] victim: round 20$'
}

# ---- malformed boot bundles, images and configurations ----

# hostile_poke FILE OFFSET SIZE VALUE: VALUE little-endian in SIZE bytes at OFFSET.
hostile_poke() {
	local bytes= i
	for ((i = 0; i < $3; i++)); do
		bytes+=$(printf '\\x%02x' $(( ($4 >> (8 * i)) & 0xff )))
	done
	printf "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# A copy of the attacker image in the stage, patched: hostile_bad_elf NAME OFFSET
# SIZE VALUE [OFFSET SIZE VALUE...] (ELF64: e_ident 0, e_type 16,
# e_machine 18, e_entry 24, e_phoff 32, e_phentsize 54, e_phnum 56; the
# first program header at 64: p_type 64, p_offset 72, p_vaddr 80, p_filesz
# 96, p_memsz 104; the second at 120).
hostile_bad_elf() {
	local out=$HOSTILE_STAGE/$1.elf
	shift
	cp "$HOSTILE_IMAGES/hostile.elf" "$out"
	while [ $# -ge 3 ]; do
		hostile_poke "$out" "$1" "$2" "$3"
		shift 3
	done
}

# hostile_input NAME PATTERN...: boots the bundle of $HOSTILE_STAGE/NAME.conf
# (written by the caller, the victim first) and checks the log.
hostile_input() {
	local name=$1 rc
	shift
	hostile_bundle "$name" "$HOSTILE_STAGE/$name.conf"
	hostile_boot "$name" "$HOSTILE_STAGE/$name.cpio"
	rc=$?
	hostile_check "$name" "$rc" "$@"
}

hostile_elf_header() {
	local vm
	selected hostile-elf-header || return 0
	head -c 40 "$HOSTILE_IMAGES/hostile.elf" > "$HOSTILE_STAGE/trunc.elf"
	hostile_bad_elf elf32 4 1 1
	hostile_bad_elf bigendian 5 1 2
	hostile_bad_elf machine 18 2 3
	hostile_bad_elf dyn 16 2 3
	hostile_bad_elf phentsize 54 2 32
	hostile_bad_elf phoff 32 8 0xffffffffffffff00
	hostile_bad_elf phnum 56 2 0xffff
	{
		hostile_victim_conf
		for vm in trunc elf32 bigendian machine dyn phentsize phoff phnum; do
			hostile_vm_conf "$vm" "$vm.elf" window-past-ram
		done
	} > "$HOSTILE_STAGE/elf-header.conf"
	hostile_input elf-header \
		"^disco: error: vm trunc, line [0-9]+: kernel 'trunc.elf': not an ELF file; not started" \
		"^disco: error: vm elf32, .*: not a 64-bit little-endian ELF; not started" \
		"^disco: error: vm bigendian, .*: not a 64-bit little-endian ELF; not started" \
		"^disco: error: vm machine, .*: not a MIPS executable \(type 2, machine 3\); not started" \
		"^disco: error: vm dyn, .*: not a MIPS executable \(type 3, machine 8\); not started" \
		"^disco: error: vm phentsize, .*: program headers outside the file; not started" \
		"^disco: error: vm phoff, .*: program headers outside the file; not started" \
		"^disco: error: vm phnum, .*: program headers outside the file; not started" \
		"^disco: 1 of 9 VMs loaded"
}

hostile_elf_segments() {
	local size vm
	selected hostile-elf-segments || return 0
	size=$(stat -c %s "$HOSTILE_IMAGES/hostile.elf")
	hostile_bad_elf fileszbig 96 8 0x10000000
	hostile_bad_elf offsetpast 72 8 "$size"
	hostile_bad_elf memszwrap 104 8 0xfffffffffffff000
	hostile_bad_elf memszhuge 104 8 0x10000000000
	hostile_bad_elf kseg0 80 8 0xffffffff80100000
	hostile_bad_elf uncached 80 8 0x4000010000100000
	hostile_bad_elf noload 64 4 0
	# the second program header (GNU_STACK) made a copy of the first
	cp "$HOSTILE_IMAGES/hostile.elf" "$HOSTILE_STAGE/overlap.elf"
	dd if="$HOSTILE_IMAGES/hostile.elf" of="$HOSTILE_STAGE/overlap.elf" bs=1 skip=64 seek=120 \
		count=56 conv=notrunc status=none
	{
		hostile_victim_conf
		for vm in fileszbig offsetpast memszwrap memszhuge kseg0 uncached noload overlap; do
			hostile_vm_conf "$vm" "$vm.elf" window-past-ram
		done
	} > "$HOSTILE_STAGE/elf-segments.conf"
	hostile_input elf-segments \
		"^disco: error: vm fileszbig, .*: segment 0 does not fit the file or wraps; not started" \
		"^disco: error: vm offsetpast, .*: segment 0 does not fit the file or wraps; not started" \
		"^disco: error: vm memszwrap, .*: segment 0 does not fit the file or wraps; not started" \
		"^disco: error: vm memszhuge, .*: segment at 4000000000100000 is outside the VM's memory" \
		"^disco: error: vm kseg0, .*: segment at ffffffff80100000 is outside the VM's memory" \
		"^disco: error: vm uncached, .*: segment at 4000010000100000 is outside the VM's memory" \
		"^disco: error: vm noload, .*: no loadable segment; not started" \
		"^\[overlap\] hostile: window-past-ram: blocked" \
		"^disco: vm overlap: powered off \(exit status 0\)" "^disco: 2 of 9 VMs loaded"
}

hostile_elf_entry() {
	local vm
	selected hostile-elf-entry || return 0
	hostile_bad_elf pastram 24 8 0x4000000010000000
	hostile_bad_elf odd 24 8 0x4000000000100002
	hostile_bad_elf indtb 24 8 $((0x4000000000000000 + (12 << 20) - 65536))
	hostile_bad_elf entrykseg0 24 8 0xffffffff80100000
	hostile_bad_elf entryuncached 24 8 0x4000010000100000
	{
		hostile_victim_conf
		for vm in pastram odd indtb entrykseg0 entryuncached; do
			hostile_vm_conf "$vm" "$vm.elf" window-past-ram
		done
	} > "$HOSTILE_STAGE/elf-entry.conf"
	hostile_input elf-entry \
		"^disco: vm pastram: vcpu 0: exception 6 at 4000000010000000 with Status.BEV = 1" \
		"^disco: vm odd: vcpu 0: exception 4 at 4000000000100002 with Status.BEV = 1" \
		"^disco: vm indtb: .*\(exit status 1\)" \
		"^disco: error: vm entrykseg0, .*: entry ffffffff80100000 is outside the window" \
		"^disco: error: vm entryuncached, .*: entry 4000010000100000 is outside the window" \
		"^disco: 4 of 6 VMs loaded"
}

hostile_config_values() {
	local spec
	selected hostile-config-values || return 0
	{
		hostile_victim_conf
		for spec in vcpus0:vcpus=0 vcpus1000:vcpus=1000 mem0:memory=0 memodd:memory=1000001 \
			memhuge:memory=4096G memmax:memory=18446744073709551615 \
			memoverflow:memory=99999999999999999999G cpusrange:cpus=0-99 \
			cpusbackward:cpus=3-1 cpusoffline:cpus=15 node99:node=99 node3:node=3 \
			nokernel:kernel= longname_abcdefghijklmnopqrstuvwxyz0123:vcpus=1; do
			printf '[vm %s]\nkernel = hostile.elf\n%s\n\n' "${spec%%:*}" "${spec#*:}"
		done
	} > "$HOSTILE_STAGE/config-values.conf"
	hostile_input config-values \
		"^disco: error: vm vcpus0, .*: vcpus: want 1 to 16, got '0'; not started" \
		"^disco: error: vm vcpus1000, .*: vcpus: want 1 to 16, got '1000'" \
		"^disco: error: vm mem0, .*: memory: want a non-zero multiple of 1M, got '0'" \
		"^disco: error: vm memodd, .*: memory: want a non-zero multiple of 1M, got '1000001'" \
		"^disco: error: vm memhuge, .*: memory: 4194304 MiB asked, [0-9]+ pages \\([0-9]+ MiB\\) free; not started" \
		"^disco: error: vm memmax, .*: memory: want a non-zero multiple of 1M" \
		"^disco: error: vm memoverflow, .*: memory: want a non-zero multiple of 1M" \
		"^disco: error: vm cpusrange, .*: cpus: want a CPU list like 0-1,3, got '0-99'" \
		"^disco: error: vm cpusbackward, .*: cpus: want a CPU list like 0-1,3, got '3-1'" \
		"^disco: error: vm cpusoffline, .*: cpus: CPU 15 is not online \(1 CPUs\)" \
		"^disco: error: vm node99, .*: node: want 0 to 15, got '99'" \
		"^disco: error: vm node3, .*: node: no node 3 \(1 nodes\)" \
		"^disco: error: vm nokernel, .*: kernel: a file name of 1 to 63 characters" \
		"^disco: error: vm \(unnamed\), .*: a VM name of 1 to 31 characters" \
		"^disco: 1 of 15 VMs loaded"
}

hostile_config_syntax() {
	local i
	selected hostile-config-syntax || return 0
	{
		hostile_victim_conf
		printf '[vm longline]\nkernel = hostile.elf\ncmdline = %0600d\n\n' 0
		printf '[vm garbage]\nkernel = hostile.elf\n\x80\xff\xfe binary \x81\x82\n\n'
		printf '[vm noequals]\nkernel hostile.elf\n\n'
		printf '[vm capital]\nKernel = hostile.elf\n\n'
		printf '[vm comment]\nkernel = hostile.elf\nmemory = 8M#no space\n\n'
		printf '[vm]\nkernel = hostile.elf\n\n[vm unclosed\nkernel = hostile.elf\n\n'
		printf '[vmx other]\nkernel = hostile.elf\n\n'
		printf '[vm victim]\nkernel = hostile.elf\n\n'
		for i in 1 2 3 4 5 6 7 8; do printf '[vm more%d]\nkernel = absent.elf\n' "$i"; done
	} > "$HOSTILE_STAGE/config-syntax.conf"
	hostile_input config-syntax \
		"^disco: error: vm longline, .*: line longer than 511 characters; not started" \
		"^disco: error: vm garbage, .*: expected 'key = value', got '.* binary .*'; not started" \
		"^disco: error: vm noequals, .*: expected 'key = value', got 'kernel hostile.elf'" \
		"^disco: error: vm capital, .*: unknown key 'Kernel'" \
		"^disco: error: vm comment, .*: memory: want a non-zero multiple of 1M, got '8M#no space'" \
		"^disco: error: vm \(unnamed\), .*: expected '\[vm NAME\]', got '\[vm\]'" \
		"^disco: error: vm \(unnamed\), .*: expected '\[vm NAME\]', got '\[vm unclosed'" \
		"^disco: error: vm \(unnamed\), .*: expected '\[vm NAME\]', got '\[vmx other\]'" \
		"^disco: error: vm victim, line [0-9]+: a VM of that name is on line 1" \
		"^disco: error: vms.conf: line [0-9]+: more than 16 VMs" "^disco: 1 of 16 VMs loaded"
}

# The configuration of the greedy case: the victim, then a (16 vCPUs, X
# MiB: three digits, so that the bundle keeps its size) and b (16 vCPUs,
# 2 MiB); both exit at once if they run.
hostile_greedy_conf() {         # X
	hostile_victim_conf
	printf '[vm a]\nkernel = hostile.elf\nvcpus = 16\nmemory = %03dM\ncpus = 0\ncmdline = hostile=hcall-exit\n\n' "$1"
	printf '[vm b]\nkernel = hostile.elf\nvcpus = 16\nmemory = 2M\ncpus = 0\ncmdline = hostile=hcall-exit\n\n'
}

# The pages of a pmap table of BYTES (a power-of-two block, mmu/pmap.c).
hostile_table_pages() {         # BYTES
	local p=1
	while [ $((p * 4096)) -lt "$1" ]; do p=$((p * 2)); done
	echo "$p"
}

# Two VMs of 16 vCPUs that take all the memory but a few pages: the
# vCPUs (160 KiB each with their l2tlb, taken when the VMs load) cannot all have
# theirs. X is computed from the free pages the monitor reports with this
# very bundle, counting each pmap's two tables as mmu/pmap.c does.
hostile_config_greedy() {
	local conf=$HOSTILE_STAGE/config-greedy.conf free x pages
	selected hostile-config-greedy || return 0
	hostile_greedy_conf 1 > "$conf"
	hostile_bundle config-greedy "$conf"
	hostile_boot config-greedy "$HOSTILE_STAGE/config-greedy.cpio" "norun poweroff"
	free=$(sed -n 's/^disco: monitor image .* \([0-9]*\) pages (.*) free$/\1/p' "$LOGS/hostile-config-greedy.log")
	# the victim: 2048 pages and tables of 2 + 1; b: 512 and 1 + 1
	pages=$((${free:-0} - 2051 - 514))
	for ((x = pages / 256; x > 0; x--)); do
		[ $((256 * x + $(hostile_table_pages $((1024 * x))) + $(hostile_table_pages $((256 * x))))) \
			-le "$pages" ] && break
	done
	hostile_greedy_conf "$x" > "$conf"
	hostile_input config-greedy "^disco: (vm a: 16 vCPUs, $x MiB|error: vm a, )" \
		"^disco: (vm b: 16 vCPUs, 2 MiB|error: vm b, )"
}

# Unpacks the bundle of a victim and an attacker into $HOSTILE_STAGE/NAME.files
# (to be packed again in another order and damaged).
hostile_unpacked() {            # NAME
	{ hostile_victim_conf; hostile_vm_conf attacker hostile.elf window-past-ram; } \
		> "$HOSTILE_STAGE/$1.conf"
	hostile_bundle "$1" "$HOSTILE_STAGE/$1.conf"
	rm -rf "$HOSTILE_STAGE/$1.files"
	mkdir "$HOSTILE_STAGE/$1.files"
	(cd "$HOSTILE_STAGE/$1.files" && cpio -id --quiet < "../$1.cpio")
}

# The files of NAME.files/ in this order as $HOSTILE_STAGE/NAME.cpio.
hostile_cpio() {                # NAME FILE...
	local name=$1
	shift
	(cd "$HOSTILE_STAGE/$name.files" && printf '%s\n' "$@" | cpio -o -H newc --quiet) \
		> "$HOSTILE_STAGE/$name.cpio"
}

# Cuts the archive's trailer off, so that entries appended after it count.
hostile_cut_trailer() {         # NAME
	local cpio=$HOSTILE_STAGE/$1.cpio at
	at=$(grep -abo 'TRAILER!!!' "$cpio" | cut -d: -f1)
	truncate -s $((at - 110)) "$cpio"
}

# Boots the damaged $HOSTILE_STAGE/NAME.cpio and checks the log.
hostile_cpio_check() {          # NAME APPEND [--no-victim] PATTERN...
	local name=$1 append=$2 rc
	shift 2
	hostile_boot "$name" "$HOSTILE_STAGE/$name.cpio" "$append"
	rc=$?
	hostile_check "$name" "$rc" "$@"
}

HOSTILE_NOT_LOADED="^disco: error: vm attacker, line [0-9]+: kernel 'hostile.elf': not in the boot bundle; not started"

# The archive ends inside the attacker's image (no trailer either).
hostile_bundle_truncated() {
	local cpio=$HOSTILE_STAGE/bundle-truncated.cpio
	selected hostile-bundle-truncated || return 0
	hostile_unpacked bundle-truncated
	hostile_cpio bundle-truncated vms.conf victim.dtb victim.elf attacker.dtb hostile.elf
	truncate -s $(($(stat -c %s "$cpio") - 20000)) "$cpio"
	hostile_cpio_check bundle-truncated "" "$HOSTILE_NOT_LOADED" "^disco: 1 of 2 VMs loaded"
}

# The attacker's image is an entry that claims 4 GiB - 1 of data.
hostile_bundle_huge_size() {
	selected hostile-bundle-huge-size || return 0
	hostile_unpacked bundle-huge-size
	hostile_cpio bundle-huge-size vms.conf victim.dtb victim.elf attacker.dtb
	hostile_cut_trailer bundle-huge-size
	# newc: magic, ino, mode, uid, gid, nlink, mtime, filesize, dev and rdev
	# major and minor, namesize, check; the name padded to 4 bytes
	printf '070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%s\0\0\0%s' \
		99 0x81a4 0 0 1 0 0xffffffff 0 0 0 0 12 0 hostile.elf "some bytes" \
		>> "$HOSTILE_STAGE/bundle-huge-size.cpio"
	hostile_cpio_check bundle-huge-size "" "$HOSTILE_NOT_LOADED" "^disco: 1 of 2 VMs loaded"
}

# No vms.conf at all: no VM, one line, and the monitor goes on (to its
# power-off here).
hostile_bundle_no_config() {
	selected hostile-bundle-no-config || return 0
	hostile_unpacked bundle-no-config
	hostile_cpio bundle-no-config victim.dtb victim.elf attacker.dtb hostile.elf
	hostile_cpio_check bundle-no-config poweroff --no-victim \
		"^disco: error: the boot bundle \(-initrd\) has no vms.conf" "^disco: power off$"
}

# Device trees that are garbage, too large for their room, or missing.
hostile_bundle_bad_dtb() {
	local dir=$HOSTILE_STAGE/bundle-bad-dtb.files vm
	selected hostile-bundle-bad-dtb || return 0
	hostile_unpacked bundle-bad-dtb
	for vm in garbled huge missing; do
		hostile_vm_conf "$vm" hostile.elf window-past-ram >> "$dir/vms.conf"
	done
	head -c 4096 /dev/urandom > "$dir/garbled.dtb"
	# a device-tree header that says 96 KiB (the room is 64 KiB)
	{ printf '\xd0\x0d\xfe\xed\x00\x01\x80\x00'; head -c $((98304 - 8)) /dev/zero; } > "$dir/huge.dtb"
	hostile_cpio bundle-bad-dtb vms.conf victim.dtb victim.elf attacker.dtb hostile.elf \
		garbled.dtb huge.dtb
	hostile_cpio_check bundle-bad-dtb "" \
		"^disco: error: vm garbled, .*: device tree 'garbled.dtb': not a flattened device tree" \
		"^disco: error: vm huge, .*: device tree 'huge.dtb': 98304 bytes, more than the 65536 reserved" \
		"^disco: error: vm missing, .*: device tree 'missing.dtb' not in the boot bundle" \
		"^disco: 2 of 5 VMs loaded"
}

# ---- virtio disks (issue 13) ----

# An attacker drives its three virtio-blk devices through their registers
# (attack_virtio.c: a good read first, then descriptors outside its RAM and
# in device windows, sectors past the capacity, ring indexes and heads out
# of range, next loops, writable-before-readable, INDIRECT, zero lengths,
# chains without a status byte, bad queue sizes and areas, read-only
# registers and bad widths, a write to an ro disk, notify storms), beside
# the victim and a reader VM that reads and writes its own cow disk over the
# same base image all the while. The attacker's devices fail as virtio says
# and are reset; the monitor's end-of-VM disk lines must show exactly the
# counts the attacker expects, the reader's none; the disk file is unchanged.
hostile_virtio_disk() {
	local name=virtio-disk dir=$HOSTILE_STAGE/virtio log=$LOGS/hostile-virtio-disk.log
	local rc sum patterns=() disk exp
	selected hostile-virtio-disk || return 0
	rm -rf "$dir" && mkdir -p "$dir"
	# every 8 bytes of base: "DSK" << 40 | its offset (attack_virtio.c's DSK_WORD)
	perl -e 'print pack("Q<", 0x44534b0000000000 | ($_ * 8)) for 0 .. 32767' > "$dir/base.img"
	if ! tools/mkdisk.sh "$dir/disk.img" base="$dir/base.img" data=:persistent:4M \
			> "$dir/mkdisk.log" 2>&1; then
		fail "hostile-$name" "tools/mkdisk.sh failed, see $dir/mkdisk.log"
		return 0
	fi
	sum=$(sha256sum "$dir/disk.img" | cut -d' ' -f1)
	{
		hostile_victim_conf
		hostile_vm_conf reader hostile.elf virtio-reader
		printf 'disk = base cow\n\n'
		hostile_vm_conf attacker hostile.elf virtio-disk
		printf 'disk = base cow\ndisk = base ro\ndisk = data persistent\n\n'
	} > "$HOSTILE_STAGE/$name.conf"
	hostile_bundle "$name" "$HOSTILE_STAGE/$name.conf"
	DISK=$dir/disk.img hostile_boot "$name" "$HOSTILE_STAGE/$name.cpio"
	rc=$?
	# the monitor's counts, as the attacker expects them
	for disk in a b c; do
		exp=$(sed -n "s/^\[attacker\] attack-virtio: vd$disk expects \(.*\)$/\1/p" "$log")
		patterns+=("^disco: vm attacker: disk vd$disk \\([a-z]+, [a-z]+\\): .* ${exp:-no expectation}(,|$)")
	done
	hostile_check "$name" "$rc" "^\\[attacker\\] attack-virtio: good-read: " \
		"^\\[attacker\\] attack-virtio: ([0-9]+) attacks, \\1 as expected$" \
		"^\\[attacker\\] hostile: virtio-disk: blocked" \
		"^\\[reader\\] virtio-reader: [0-9]+ rounds of reads and writes, 0 wrong$" \
		"^\\[reader\\] hostile: virtio-reader: blocked" \
		"^disco: vm attacker: powered off \\(exit status 0\\)" \
		"^disco: vm reader: powered off \\(exit status 0\\)" \
		"^\\[attacker\\] attack-virtio: vda expects [1-9][0-9]* I/O errors, 2 malformed, [1-9][0-9]+ device errors, [1-9][0-9]+ bad accesses$" \
		"${patterns[@]}" \
		"^disco: vm attacker: disk vdc \\(data, persistent\\): .* bad accesses, 1 too large, 5 notifies cut short(,|$)" \
		"^disco: vm attacker: disk vda \\(base, cow\\): .* bad accesses, 0 too large, 0 notifies cut short(,|$)" \
		"^disco: vm reader: disk vda \\(base, cow\\): [1-9][0-9]* reads .* [1-9][0-9]* writes .* 0 I/O errors, 0 malformed, 0 device errors, 0 bad accesses, 0 too large, 0 notifies cut short" \
		'!BROKEN'
	selected hostile-virtio-disk || return 0
	if ! comes_first "$log" '^\[reader\] virtio-reader: started' '^\[attacker\] attack-virtio: .* attacks' ||
	   ! comes_first "$log" '^\[attacker\] attack-virtio: .* attacks' '^\[reader\] virtio-reader: .* rounds'; then
		fail hostile-virtio-disk-overlap "the reader did not read all through the attack ($order_lines)"
	else
		pass hostile-virtio-disk-overlap
	fi
	if [ "$(sha256sum "$dir/disk.img" | cut -d' ' -f1)" = "$sum" ]; then
		pass hostile-virtio-disk-file-unchanged
	else
		fail hostile-virtio-disk-file-unchanged "the disk file changed (cow, ro and failed persistent writes only)"
	fi
}

# ---- the suite ----
hostile_suite() {
	local start=$SECONDS
	# memory
	hostile_case window-past-ram
	hostile_case uncached-past-ram
	hostile_case uncached-devices
	hostile_case tlb-past-ram
	hostile_case tlb-monitor-frames
	hostile_case tlb-devices
	hostile_case large-page-end
	# every page of its memory: the victim's was set aside when it loaded
	hostile_case touch-all '^disco: vm attacker: memory: [0-9]{4} private'
	hostile_case uncached-alias
	hostile_case erl-kuseg
	hostile_case kseg-devices --ends 'access to a segment a VM does not have'
	hostile_case lladdr
	# hypercalls and the shared area
	hostile_case hcall-console
	hostile_case hcall-cache --fair
	hostile_case hcall-shared
	hostile_case shared-scribble
	hostile_case hcall-tlb
	hostile_case hcall-args --ends 'rebooted \(a VM reboot ends it\) \(exit status -559038737\)'
	hostile_case hcall-exit --ends 'powered off \(exit status 5\)'
	# the UART and the console
	hostile_case uart-registers
	hostile_case uart-flood '^\[attacker\] u{512,}$' '^\[attacker\] x{512,}$'
	hostile_case console-forge $'!^\\[attacker\\] .*[\x01-\x08\x0b-\x1f\x7f]'
	# what one VM leaves in the CPU for the next; debug and mode tricks
	hostile_case cp0-leftover
	hostile_case tlb-leftover
	hostile_case fpu-leftover
	hostile_case supervisor-window
	hostile_case debug-regs
	hostile_case sdbbp-window --ends 'debug breakpoint \(sdbbp\) \(exit status 1\)'
	hostile_case sdbbp-cksseg --ends 'debug breakpoint \(sdbbp\) \(exit status 1\)'
	hostile_case erl-bev --ends 'exception with BEV = 1 \(exit status 1\)'
	hostile_case wait-forever --stop
	# storms and timers: the victim keeps its fair share
	hostile_case storm-exceptions --fair
	hostile_case storm-tlb --fair
	hostile_case storm-softirq --fair
	hostile_case storm-timer --fair
	hostile_case timer-behind --fair
	hostile_case wait-storm --fair
	hostile_case spin-masked --fair
	# virtio disks
	hostile_virtio_disk
	# malformed input beside the victim
	hostile_bundle_truncated
	hostile_bundle_huge_size
	hostile_bundle_no_config
	hostile_bundle_bad_dtb
	hostile_elf_header
	hostile_elf_segments
	hostile_elf_entry
	hostile_config_values
	hostile_config_syntax
	hostile_config_greedy
	[ -z "$HOSTILE_BASE_RAN" ] || echo "hostile: the suite took $((SECONDS - start)) s"
}
hostile_suite
