# disco: a Disco-style virtual machine monitor for MIPS64 on QEMU malta.
#
#   make run         install what is missing, build, boot interactively
#   make test        install what is missing, build, run every test
#   make test-fresh  make test in a new minimal Debian chroot (what CI runs)
#   make rootfs      the guests' Debian root filesystem image (ext4, cached)
#   make bench-boot  instruction counts: boot to all CPUs online, cross-calls
#   make bench-traps instruction counts: privileged operations, native vs VM
#   make bench-linux instruction counts: Linux workloads, native vs VM
#   make bench-disk  disk throughput in bytes per million instructions, native vs VM
#   make bench-net   network throughput between two VMs in bytes per million instructions
#   make bench-asid  real TLB flushes and exceptions: two Linux VMs on one CPU
#   make bench-memory machine memory held by 1, 2, 4 and 8 Linux VMs
#   make bench-memory-debian the same for Debian VMs on one cow base image, at
#                    the shell and after a workload, with and without sharing
#   make bench-splash the SPLASH-style suite natively and in 1-, 2-, 4-vCPU VMs
#                    (SIZE=small for the test sizes), and lock-holder preemption
#   make bench-numa  the NUMA policies (issue 12) on 8 CPUs as 2 and 4 nodes under
#                    the ccnuma plugin (SIZE=small, RUNS=, POLICIES=)
#   make splash      build/linux/splash.cpio: SPLASH-2-style programs (guest-images/splash)
#
# Options: CPUS=4 MEM=256M APPEND="numa=2 hz=1000" VMS=vms.conf; V=1 shows
# full commands.

CPUS   ?= 4
MEM    ?= 256M
APPEND ?=

ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @echo
endif

CROSS   ?= mips64el-linux-gnuabi64-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
HOSTCC  ?= gcc
BUILD   := build
PLUGIN  := $(BUILD)/insncount.so
CCNUMA_PLUGIN := $(BUILD)/ccnuma.so

# The machine: malta with a MIPS64 Release 2 CPU, console on stdio, no
# network card or VGA; every QEMU run goes through this script.
QEMU_MALTA := tools/qemu-malta.sh

ARCH_CFLAGS := -march=mips64r2 -mabi=64 -msym32 -G0 -mno-abicalls -fno-pic \
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-stack-protector -msoft-float -fno-common
CFLAGS := $(ARCH_CFLAGS) -O2 -g -std=gnu11 -Wall -Wextra -Werror \
	-Wno-unused-parameter -I. -Iarch/mips64/include -I$(BUILD)/include
ASFLAGS := $(ARCH_CFLAGS) -D__ASSEMBLER__ -I. -Iarch/mips64/include -I$(BUILD)/include
LDFLAGS := -nostdlib -static -Wl,--no-warn-rwx-segments -Wl,-T,arch/mips64/linker.ld \
	-Wl,--build-id=none -Wl,-z,max-page-size=4096

MONITOR_SRCS := $(wildcard monitor/*.c mmu/*.c numa/*.c vcpu/*.c devices/*.c) \
	$(wildcard arch/mips64/*.c arch/mips64/malta/*.c)
MONITOR_ASMS := arch/mips64/start.S arch/mips64/vectors.S arch/mips64/l2tlb_refill.S arch/mips64/fastpath.S \
	arch/mips64/fpu.S
MONITOR_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(MONITOR_SRCS)) \
	$(patsubst %.S,$(BUILD)/%.o,$(MONITOR_ASMS))
MONITOR_SRCS := $(filter-out arch/mips64/asm-offsets.c,$(MONITOR_SRCS))
MONITOR_OBJS := $(filter-out $(BUILD)/arch/mips64/asm-offsets.o,$(MONITOR_OBJS))

.PHONY: all run test test-fresh rootfs deps bench-boot bench-traps bench-linux bench-disk bench-net bench-asid bench-memory bench-memory-debian bench-splash bench-numa plugin host-tests clean
all: $(BUILD)/disco.elf $(BUILD)/host/mkdisk

deps:
	@tools/install-deps.sh

$(BUILD)/include/asm-offsets.h: arch/mips64/asm-offsets.c arch/mips64/include/arch/frame.h arch/mips64/include/arch/fast.h monitor/percpu.h \
		vcpu/vcpu.h vcpu/cp0.h vcpu/decode.h
	@mkdir -p $(dir $@)
	$(say) "  GEN     $@"
	$(Q)$(CC) $(CFLAGS) -S -o $(BUILD)/asm-offsets.s $<
	$(Q)sed -n 's/^->\([A-Z_0-9]*\) [$$#]*\([-0-9]*\).*/#define \1 \2/p' $(BUILD)/asm-offsets.s > $@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.S $(BUILD)/include/asm-offsets.h
	@mkdir -p $(dir $@)
	$(say) "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/disco.elf: $(MONITOR_OBJS) arch/mips64/linker.ld
	$(say) "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MONITOR_OBJS)
	$(Q)$(OBJDUMP) -d $@ > $(BUILD)/disco.asm

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Each guest-images/*/Makefile.inc adds its images to GUEST_IMAGES.
GUEST_CFLAGS := -march=mips64r2 -mabi=64 -mno-abicalls -fno-pic -G0
GUEST_LDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,--no-warn-rwx-segments -Wl,-T,guest-images/guest.ld
GUEST_IMAGES :=
include $(sort $(wildcard guest-images/*/Makefile.inc))

# VMS=path/to/vms.conf makes a boot bundle of it and the guest images it
# names (looked up next to it, then in build/guest-images and
# build/linux/guest) for -initrd. The default: two Linux guests.
# No -semihosting: a guest could use it to end QEMU (docs/guest-abi.md).
# VMS= (empty) boots the monitor alone, to its prompt.
VMS ?= guest-images/default-vms.conf
RUN_INITRD = $(if $(VMS),-initrd $(BUILD)/run-bundle.cpio)
RUN_NEEDS_LINUX = $(if $(filter vmlinux,$(shell sed -n 's/^[[:space:]]*kernel[[:space:]]*=[[:space:]]*//p' $(VMS) 2>/dev/null)),$(BUILD)/linux/guest/vmlinux)
# DISK=path.img attaches that disk store (tools/mkdisk.sh) as the real
# disk; by default build/run-disk.img, made once with a 16 MiB persistent
# image `scratch` (kept across runs; delete it for a new one). DISK= runs
# without a disk.
RUN_DISK_DEFAULT := $(BUILD)/run-disk.img
DISK ?= $(RUN_DISK_DEFAULT)
# DEBIAN=N: N VMs boot Debian bookworm, each from a cow disk over the one
# image on the real disk (tools/debian-vms.sh; docs/debian-rootfs.md).
ifneq ($(DEBIAN),)
VMS := $(BUILD)/debian/debian-vms.conf
DISK := $(BUILD)/debian/debian-disk.img
RUN_NEEDS_LINUX := $(BUILD)/linux/guest/vmlinux
ifeq ($(origin MEM),file)
MEM := $(shell echo $$(( $(DEBIAN) * 96 + 128 )))M
endif
$(VMS): deps $(BUILD)/host/mkdisk FORCE
	tools/debian-vms.sh $(DEBIAN) $(BUILD)/debian
$(DISK): $(VMS)
.PHONY: FORCE
FORCE:
endif
run: deps $(BUILD)/disco.elf $(if $(VMS),$(GUEST_IMAGES) $(MKDTS) $(RUN_NEEDS_LINUX)) \
		$(if $(filter $(RUN_DISK_DEFAULT),$(DISK)),$(RUN_DISK_DEFAULT)) $(if $(DEBIAN),$(VMS))
	$(if $(VMS),tools/mkbundle.sh $(VMS) $(BUILD)/run-bundle.cpio $(dir $(VMS)) $(BUILD)/guest-images $(BUILD)/linux/guest)
	DISK=$(DISK) $(QEMU_MALTA) -smp $(CPUS) -m $(MEM) -kernel $(BUILD)/disco.elf \
		$(RUN_INITRD) -append "$(APPEND)"

$(RUN_DISK_DEFAULT): | $(BUILD)/host/mkdisk
	tools/mkdisk.sh $@ scratch=:persistent:16M

# ---- tests ----

HOST_TEST_CFLAGS := -O1 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -I. \
	-Iarch/mips64/include \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
HOST_TESTS := $(patsubst tests/host/test_%.c,%,$(wildcard tests/host/test_*.c))
HOST_TEST_BINS := $(patsubst %,$(BUILD)/host/test_%,$(HOST_TESTS))
# The pure modules each host test links with.
HOST_MODULES := $(wildcard monitor/format.c monitor/parse.c monitor/cmdline.c \
	numa/topology.c mmu/page_alloc.c mmu/asid.c monitor/cpio.c monitor/vm_config.c monitor/elf.c \
	monitor/guest_line.c \
	mmu/l2tlb.c vcpu/decode.c vcpu/cp0.c vcpu/vtlb.c vcpu/guest_addr.c devices/uart16550.c \
	devices/virtqueue.c devices/virtio_mmio.c devices/virtio_blk.c devices/blk_ram.c devices/blk_cow.c \
	devices/disk_store.c devices/virtio_net.c devices/net_switch.c \
	arch/mips64/compare.c numa/engine.c numa/policy.c $(wildcard numa/policy_*.c))

$(BUILD)/host/test_%: tests/host/test_%.c tests/host/helpers.h tests/host/fake_guest.h $(HOST_MODULES) \
		$(wildcard monitor/*.h mmu/*.h numa/*.h vcpu/*.h devices/*.h)
	@mkdir -p $(dir $@)
	$(say) "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOST_TEST_CFLAGS) -o $@ $< $(HOST_MODULES) -lcmocka

# pmap.c takes spinlocks: built with the host stand-ins of arch/atomic.h
# and arch/cpu.h (tests/host/stub), its machmem calls are the test's own.
PMAP_MODULES := mmu/pmap.c mmu/pmap_replica.c mmu/replica.c mmu/memmap.c mmu/page_share.c \
	mmu/page_merge.c
$(BUILD)/host/test_pmap: tests/host/test_pmap.c $(PMAP_MODULES) $(HOST_MODULES) \
		$(wildcard tests/host/stub/arch/*.h monitor/*.h mmu/*.h numa/*.h)
	@mkdir -p $(dir $@)
	$(say) "  HOSTCC  $@"
	$(Q)$(HOSTCC) -Itests/host/stub $(HOST_TEST_CFLAGS) -o $@ $< $(PMAP_MODULES) $(HOST_MODULES) -lcmocka

# memmap.c takes a spinlock too.
$(BUILD)/host/test_memmap: tests/host/test_memmap.c mmu/memmap.c $(HOST_MODULES) \
		$(wildcard tests/host/stub/arch/*.h monitor/*.h mmu/*.h)
	@mkdir -p $(dir $@)
	$(say) "  HOSTCC  $@"
	$(Q)$(HOSTCC) -Itests/host/stub $(HOST_TEST_CFLAGS) -o $@ $< mmu/memmap.c $(HOST_MODULES) -lcmocka

# The ccnuma plugin's cost model (tools/qemu-plugins), with the topology parser.
CCNUMA_MODEL := tools/qemu-plugins/ccnuma_model.c
$(BUILD)/host/test_ccnuma: tests/host/test_ccnuma.c $(CCNUMA_MODEL) tools/qemu-plugins/ccnuma_model.h \
		$(HOST_MODULES) numa/topology.h
	@mkdir -p $(dir $@)
	$(say) "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOST_TEST_CFLAGS) -o $@ $< $(CCNUMA_MODEL) $(HOST_MODULES) -lcmocka

host-tests: $(HOST_TEST_BINS)

# The boot-bundle tool that writes each VM's device-tree source (for dtc).
MKDTS := $(BUILD)/host/mkdts
$(MKDTS): tools/mkdts.c $(HOST_MODULES) $(wildcard monitor/*.h devices/*.h)
	@mkdir -p $(dir $@)
	$(say) "  HOSTCC  $@"
	$(Q)$(HOSTCC) -O1 -g -std=gnu11 -Wall -Wextra -Werror -I. -Iarch/mips64/include \
		-o $@ $< monitor/vm_config.c monitor/parse.c monitor/format.c

# The disk store tool (tools/mkdisk.sh) with the monitor's own parser.
$(BUILD)/host/mkdisk: tools/mkdisk.c devices/disk_store.c devices/disk_store.h devices/le.h \
		monitor/format.c monitor/parse.c monitor/parse.h
	@mkdir -p $(dir $@)
	$(say) "  HOSTCC  $@"
	$(Q)$(HOSTCC) -O1 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -I. \
		-Iarch/mips64/include -o $@ $< devices/disk_store.c monitor/format.c monitor/parse.c

test: deps $(BUILD)/disco.elf host-tests $(MKDTS) $(BUILD)/host/mkdisk $(PLUGIN) $(CCNUMA_PLUGIN) $(GUEST_IMAGES) $(BUILD)/linux/guest/vmlinux $(SPLASH_CPIO) \
		$(BUILD)/linux/native/vmlinux $(EQUIV_CPIO) $(DISK_TEST_CPIO) $(NET_TEST_CPIO)
	tests/run.sh

# The README's `make test` on a new machine: a minimal Debian bookworm
# chroot with git and make, a clone of HEAD (tools/test-fresh.sh; root).
test-fresh:
	tools/test-fresh.sh

# The guests' Debian bookworm root filesystem: an ext4 image in
# ~/.cache/disco/rootfs, keyed by its inputs (docs/debian-rootfs.md; root).
rootfs: deps
	@tools/mkrootfs.sh
	@tools/mkrootfs.sh --path

# ---- measurement ----

plugin: deps $(PLUGIN)
$(PLUGIN): tools/qemu-plugins/insncount.c
	tools/fetch-qemu-plugin-header.sh
	$(MAKE) -C tools/qemu-plugins OUT=$(abspath $(BUILD)) \
		QEMU_PLUGIN_INC=$$(tools/fetch-qemu-plugin-header.sh --dir)

# The ccNUMA cost model (tools/qemu-plugins/README.md).
plugin: $(CCNUMA_PLUGIN)
$(CCNUMA_PLUGIN): tools/qemu-plugins/ccnuma.c $(CCNUMA_MODEL) tools/qemu-plugins/ccnuma_model.h \
		numa/topology.c numa/topology.h monitor/format.c monitor/parse.c
	tools/fetch-qemu-plugin-header.sh
	$(MAKE) -C tools/qemu-plugins OUT=$(abspath $(BUILD)) \
		QEMU_PLUGIN_INC=$$(tools/fetch-qemu-plugin-header.sh --dir) $(abspath $(CCNUMA_PLUGIN))

bench-boot: deps $(BUILD)/disco.elf $(PLUGIN)
	tools/bench-boot.sh

bench-traps: deps $(BUILD)/disco.elf $(PLUGIN) $(MKDTS) \
		$(BUILD)/guest-images/trapbench.elf $(BUILD)/guest-images/trapbench-bare.elf
	tools/bench-traps.sh

bench-linux: deps $(BUILD)/disco.elf $(PLUGIN) $(MKDTS) $(BENCH_CPIO) \
		$(BUILD)/linux/guest/vmlinux $(BUILD)/linux/native/vmlinux
	tools/bench-linux.sh

bench-disk: deps $(BUILD)/disco.elf $(PLUGIN) $(MKDTS) $(BUILD)/host/mkdisk $(DISK_BENCH_CPIO) \
		$(BUILD)/linux/guest/vmlinux $(BUILD)/linux/native/vmlinux
	tools/bench-disk.sh

bench-net: deps $(BUILD)/disco.elf $(PLUGIN) $(MKDTS) $(NET_BENCH_CPIO) \
		$(BUILD)/linux/guest/vmlinux $(BUILD)/linux/native/vmlinux
	tools/bench-net.sh

bench-asid: deps $(BUILD)/disco.elf $(PLUGIN) $(MKDTS) $(BUILD)/linux/guest/vmlinux
	tools/bench-asid.sh
bench-memory: deps $(BUILD)/disco.elf $(MKDTS) $(BUILD)/linux/guest/vmlinux
	tools/bench-memory.sh

bench-memory-debian: deps $(BUILD)/disco.elf $(BUILD)/host/mkdisk $(MKDTS) $(BUILD)/linux/guest/vmlinux
	tools/bench-memory-debian.sh

bench-splash: deps $(BUILD)/disco.elf $(PLUGIN) $(MKDTS) $(SPLASH_CPIO) \
		$(BUILD)/linux/guest/vmlinux $(BUILD)/linux/native/vmlinux
	tools/bench-splash.sh

# build/ccnuma.so: the ccNUMA cost model (tools/qemu-plugins/ccnuma.c)
bench-numa: deps $(BUILD)/disco.elf $(PLUGIN) $(BUILD)/ccnuma.so $(MKDTS) $(SPLASH_CPIO) \
		$(BUILD)/linux/guest/vmlinux
	tools/bench-numa.sh
	tools/bench-numa-sources.sh

clean:
	rm -rf $(BUILD)
