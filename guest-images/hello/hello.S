/*
 * The smallest guest: linked in the guest's cached direct-map window
 * (xsseg, 0x4000000000000000 + guest-physical), as every disco guest is.
 * It writes a line through the console hypercall and powers off with
 * status 0. Hypercall: a reserved COP0 instruction, number in v0, args a0...
 */
#define HCALL		.word 0x42000028
#define HCALL_CONSOLE_WRITE 1
#define HCALL_EXIT	2

	.set	noreorder
	.text
	.globl	_start
_start:
	dla	$a0, message
	li	$a1, message_end - message
	li	$v0, HCALL_CONSOLE_WRITE
	HCALL
	li	$a0, 0
	li	$v0, HCALL_EXIT
	HCALL
1:	b	1b
	 nop

	.data
message:
	.ascii	"hello from a disco guest in supervisor mode\n"
message_end:
