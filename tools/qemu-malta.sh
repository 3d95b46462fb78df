#!/usr/bin/env bash
# The one QEMU command line for the machine disco runs on: malta with a
# MIPS64 Release 2 CPU, console on stdio, and nothing the project does not
# use. malta's default network card (pcnet) and VGA (cirrus) would need ROM
# files from packages disco does not install (ipxe-qemu, seabios), so they
# are turned off here. `make run`, the tests, the benchmarks and the tools
# all start QEMU through this script; tests/run.sh checks that none starts
# it any other way. The caller adds -smp, -m, -kernel and the rest.
#
#   tools/qemu-malta.sh [QEMU options...]
#   tools/qemu-malta.sh --version       QEMU's version line
# QEMU=path overrides the binary.
set -eu
qemu=${QEMU:-qemu-system-mips64el}
if [ "${1:-}" = --version ]; then
	exec "$qemu" --version
fi
exec "$qemu" -M malta -cpu MIPS64R2-generic -nographic -no-reboot \
	-nic none -vga none "$@"
