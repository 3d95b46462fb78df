#!/bin/bash
# Run a bare-machine guest image (unit-bare.elf, smp-bare.elf) in QEMU and
# print its console output. The exit status is the program's (semihosting
# exit), 124 on timeout.
# Usage: tests/unit-bare.sh ELF [CPUS] [extra QEMU args, e.g. -icount shift=0,sleep=off]
set -u
elf=${1:?usage: $0 ELF [CPUS] [QEMU args...]}
cpus=${2:-1}
shift $(( $# >= 2 ? 2 : 1 ))
timeout "${UNIT_TIMEOUT:-60}" "$(dirname "$0")/../tools/qemu-malta.sh" -semihosting -m 128M -smp "$cpus" -kernel "$elf" "$@" \
	</dev/null | tr -d '\r'
exit "${PIPESTATUS[0]}"
