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
# QEMU=path overrides the binary. DISK=file attaches file (a disk store,
# tools/mkdisk.sh) as the monitor's real disk: a modern-only virtio-blk PCI
# device at slot 18 (00:12.0, its INTA on PIIX4 PIRQA, ISA IRQ 10) with one
# queue, raw, written in place (docs/devices.md "The real disk").
set -eu
qemu=${QEMU:-qemu-system-mips64el}
if [ "${1:-}" = --version ]; then
	exec "$qemu" --version
fi
disk=()
if [ -n "${DISK:-}" ]; then
	if [ ! -f "$DISK" ]; then
		echo "qemu-malta.sh: DISK=$DISK: no such file" >&2
		exit 1
	fi
	disk=(-drive "if=none,id=disk0,format=raw,file=$DISK"
		-device virtio-blk-pci,drive=disk0,addr=0x12,disable-legacy=on,num-queues=1)
fi
exec "$qemu" -M malta -cpu MIPS64R2-generic -nographic -no-reboot \
	-nic none -vga none "${disk[@]}" "$@"
