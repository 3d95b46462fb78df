/*
 * splash-done: run by the splash script after its last line. It only
 * executes splash_done, a function alone in section .splash_done linked
 * at a fixed address (0x110010000), which splash-count.sh gives the
 * insncount plugin as its last mark= with stopafter=1: QEMU ends there
 * and writes its counts, whether or not the native kernel's power-off
 * then spins (it sometimes does). No system call, so the monitor's own
 * marks (system call 5999) do not see it.
 */
__attribute__((noinline, section(".splash_done")))
void splash_done(void)
{
	asm volatile("" : : : "memory");
}

int main(void)
{
	splash_done();
	return 0;
}
