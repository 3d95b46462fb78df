/* tiny: the smallest static program, for linux-bench's fork+exec+wait:
 * exit_group(0) at once. */
#include <sys/syscall.h>
	.text
	.globl	__start
__start:
	li	$a0, 0
	li	$v0, SYS_exit_group
	syscall
