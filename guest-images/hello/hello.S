/*
 * The smallest guest image: linked in the guest's cached direct-map window
 * (xsseg, 0x4000000000000000 + guest-physical), as every disco guest is.
 * Used to test loading from the boot bundle; it only idles, since guest
 * execution comes with the virtual CPUs.
 */
	.set	noreorder
	.text
	.globl	_start
_start:
	b	_start
	 nop

	.data
message:
	.asciz	"hello from a disco guest\n"
