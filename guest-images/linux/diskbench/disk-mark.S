/* disk-mark: a mark of make bench-disk (tools/bench-disk.sh) for the
 * disk-bench script, which runs it before and after each workload. Its
 * first instruction sits alone in section .bench_mark at 0x110000000
 * (DISK_MARK_ADDR, the address of linux-bench's bench_mark), where the
 * insncount plugin snapshots its counters; the system call is the one the
 * monitor takes as a mark for its own trap counts (vcpu.h:
 * VCPU_MARK_SYSCALL; Linux answers it with ENOSYS, natively and in a VM).
 * Then exit_group(0). No C library: the exec is as small as it gets. */
#include <sys/syscall.h>
	.section .bench_mark, "ax"
	.globl	__start
__start:
	li	$v0, 5999
	syscall
	li	$a0, 0
	li	$v0, SYS_exit_group
	syscall
