/*
 * linux-bench: the workloads of `make bench-linux` (tools/bench-linux.sh),
 * run natively and in a VM with the insncount plugin counting instructions.
 * bench_mark(N) starts phase N; the plugin snapshots its counters on the
 * first instruction of bench_mark, which sits alone in its own section at
 * a fixed address (BENCH_MARK_ADDR in the Makefile) so no other program
 * executes that address. bench_mark also makes the syscall the monitor
 * takes as a mark for its trap counts (vcpu.h: VCPU_MARK_SYSCALL); Linux
 * answers it with ENOSYS, natively and in a VM alike.
 *
 *   phase 1  1000 x fork + exec(/bin/tiny) + wait
 *   phase 2  100000 x getppid
 *   phase 3  touch 64 MiB of fresh anonymous pages (one store every 4 KiB)
 *   phase 4  a CPU-bound loop (no system calls)
 *   phase 5  real programs: /bin/real-programs, a script that runs Debian's
 *            perl, gzip, bzip2, xz and sqlite3 (guest-images/linux/bench/real)
 *   mark 6   the end
 *
 * BENCH_PHASES (in the environment; Linux hands init an unknown
 * NAME=VALUE of its command line) picks the workloads by letter, as
 * tools/bench-linux.sh names them: b fork+exec, c getppid, d touch, e loop,
 * f real programs; default all. A skipped phase still makes its mark, so a
 * profile of one workload (docs/benchmarks.md, "Profiling the monitor")
 * sees the same marks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARK_SYSCALL 5999
#define FORKS        1000
#define GETPPIDS     100000
#define TOUCH_BYTES  (64ul << 20)
#define LOOP_ITERS   20000000ul

/* A raw syscall: no libc call, no GOT access from this far section. */
__attribute__((noinline, section(".bench_mark")))
void bench_mark(long phase)
{
	register long v0 asm("$2") = MARK_SYSCALL;
	register long a0 asm("$4") = phase;
	register long a3 asm("$7");

	asm volatile("syscall"
		     : "+r"(v0), "=r"(a3)
		     : "r"(a0)
		     : "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15",
		       "$24", "$25", "hi", "lo", "memory");
}

static void fork_exec_wait(void)
{
	for (int i = 0; i < FORKS; i++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/tiny", "tiny", (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
			printf("linux-bench: fork/exec/wait %d failed\n", i);
			exit(1);
		}
	}
}

static void getppids(void)
{
	for (int i = 0; i < GETPPIDS; i++)
		syscall(SYS_getppid);
}

static void touch_pages(void)
{
	volatile char *p = mmap(NULL, TOUCH_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("linux-bench: mmap");
		exit(1);
	}
	for (unsigned long off = 0; off < TOUCH_BYTES; off += 4096)
		p[off] = 1;
	munmap((void *)p, TOUCH_BYTES);
}

/* Runs the real-programs script; its "real: " lines go to the console. */
static void real_programs(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/sh", "sh", "/bin/real-programs", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
		printf("linux-bench: real-programs failed (status %#x)\n", status);
		exit(1);
	}
}

/*
 * Waits, before anything is counted, until Linux's random generator is
 * seeded: a program that asks for random bytes (perl's hash seed) would
 * otherwise wait for it inside its phase, in the kernel's jitter-entropy
 * loop (try_to_generate_entropy), a wait bounded by time, not work, whose
 * instruction count only says how fast that loop runs. The native boot,
 * which waits on malta's host-time RTC, has usually seeded it by then; a
 * VM, which boots faster in virtual time, had not (measured: 2.3 billion
 * guest kernel instructions of (f) in that loop).
 */
static void wait_for_crng(void)
{
	char seed[16];

	if (syscall(SYS_getrandom, seed, sizeof(seed), 0) != (long)sizeof(seed)) {
		printf("linux-bench: getrandom failed\n");
		exit(1);
	}
}

static uint64_t cpu_loop(void)
{
	uint64_t x = 88172645463325252ull;

	for (unsigned long i = 0; i < LOOP_ITERS; i++) {       /* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

/* Whether BENCH_PHASES (default: all) asks for workload LETTER. */
static int wanted(char letter)
{
	const char *phases = getenv("BENCH_PHASES");

	return !phases || strchr(phases, letter);
}

int main(void)
{
	uint64_t x = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	wait_for_crng();
	bench_mark(1);
	if (wanted('b'))
		fork_exec_wait();
	bench_mark(2);
	if (wanted('c'))
		getppids();
	bench_mark(3);
	if (wanted('d'))
		touch_pages();
	bench_mark(4);
	if (wanted('e'))
		x = cpu_loop();
	bench_mark(5);
	if (wanted('f'))
		real_programs();
	bench_mark(6);
	printf("linux-bench: done (%d forks, %d getppid, %lu MiB touched, loop %016llx, real programs)\n",
	       FORKS, GETPPIDS, TOUCH_BYTES >> 20, (unsigned long long)x);
	return 0;
}
