/*
 * sc-signal: signals. sigaction handlers via raise/kill/sigqueue (si_code,
 * si_pid), the mask inside handlers, SA_NODEFER/SA_RESETHAND, blocking
 * and sigpending, queued real-time signals, sigwaitinfo; synchronous
 * faults with their si_code/si_addr (SIGSEGV, SIGBUS, SIGILL for CP0 and
 * reserved instructions, SIGFPE for integer division by zero and
 * overflow, SIGTRAP), unaligned accesses emulated by the kernel; SIGCHLD;
 * alarm+pause; EINTR vs SA_RESTART; sigaltstack (and stack overflow
 * handled on it); all FP registers and the rounding mode preserved across
 * a handler that uses FP.
 */
#include "equiv.h"

#include <fenv.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>

/* Addresses user mode cannot reach: the native kernel's CKSEG0, the disco
 * guest kernel's direct map in xsseg and vmalloc area in CKSSEG, xkphys. */
#define KERNEL_ADDR ((void *)0xffffffff80000000ul)
#define XSSEG_ADDR ((void *)0x4000000000100000ul)
#define CKSSEG_ADDR ((void *)0xffffffffc0000000ul)
#define XKPHYS_ADDR ((void *)0x9800000000000000ul)

static volatile sig_atomic_t hits;
static siginfo_t last;
static sigset_t mask_in_handler;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	hits++;
	last = *si;
	sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
}

static void set_handler(int sig, int flags, int also_block)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (also_block)
		sigaddset(&sa.sa_mask, also_block);
	sigaction(sig, &sa, NULL);
}

static int blocked(int sig)
{
	sigset_t m;

	sigprocmask(SIG_BLOCK, NULL, &m);
	return sigismember(&m, sig);
}

static void handlers(void)
{
	struct sigaction sa;
	sigset_t set;
	pid_t self = getpid();

	set_handler(SIGUSR1, 0, SIGUSR2);
	hits = 0;
	raise(SIGUSR1);
	check(hits == 1 && last.si_signo == SIGUSR1 && last.si_code == SI_TKILL &&
	      last.si_pid == self, "raise(SIGUSR1): handler ran once, SI_TKILL, si_pid == getpid");
	check(sigismember(&mask_in_handler, SIGUSR1) && sigismember(&mask_in_handler, SIGUSR2),
	      "in the handler SIGUSR1 and sa_mask's SIGUSR2 are blocked");
	check(!blocked(SIGUSR1) && !blocked(SIGUSR2), "after the handler both are unblocked");
	kill(self, SIGUSR1);
	check(hits == 2 && last.si_code == SI_USER && last.si_pid == self && last.si_uid == 0,
	      "kill(self, SIGUSR1): delivered before kill returns, SI_USER, si_uid 0");

	set_handler(SIGUSR1, SA_NODEFER, 0);
	raise(SIGUSR1);
	check(hits == 3 && !sigismember(&mask_in_handler, SIGUSR1),
	      "SA_NODEFER: SIGUSR1 not blocked in its handler");
	set_handler(SIGUSR1, SA_RESETHAND, 0);
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &sa);
	check(hits == 4 && sa.sa_handler == SIG_DFL, "SA_RESETHAND: handler, then SIG_DFL");
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	check(hits == 4, "SIG_IGN: raise does nothing");

	/* Blocked, pending, delivered once on unblock (not queued). */
	set_handler(SIGUSR1, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(self, SIGUSR1);
	kill(self, SIGUSR1);
	check(hits == 4, "blocked SIGUSR1 is not delivered");
	sigpending(&set);
	check(sigismember(&set, SIGUSR1) && !sigismember(&set, SIGUSR2),
	      "sigpending shows SIGUSR1 only");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	check(hits == 5, "unblocking delivers it once (two kills, not queued)");
	sigpending(&set);
	check(!sigismember(&set, SIGUSR1), "nothing pending after delivery");
}

static int rt_values[3], rt_n;

static void rt_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (rt_n < 3 && si->si_code == SI_QUEUE)
		rt_values[rt_n] = si->si_value.sival_int;
	rt_n++;
}

static void queued(void)
{
	struct sigaction sa;
	siginfo_t si;
	sigset_t set;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = rt_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 1; i <= 3; i++)
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i * 10 });
	check(rt_n == 0, "blocked SIGRTMIN queued 3 times, none delivered");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	check(rt_n == 3 && rt_values[0] == 10 && rt_values[1] == 20 && rt_values[2] == 30,
	      "unblock delivers all 3 in order with values 10 20 30");

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 77 });
	check(sigwaitinfo(&set, &si) == SIGUSR2 && si.si_code == SI_QUEUE &&
	      si.si_value.sival_int == 77, "sigwaitinfo gets blocked SIGUSR2, SI_QUEUE, value 77");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Faulting operations, run through check_fault(). */
static void write_at(void *p) { *(volatile int *)p = 1; }
static void read_at(void *p) { (void)*(volatile int *)p; }
static void load_byte_at(void *p)
{
	long v;

	__asm__ volatile("lb %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
}
static void mfc0_status(void *p)
{
	long v;

	(void)p;
	__asm__ volatile("mfc0 %0, $12" : "=r"(v));
}
static void di_insn(void *p)
{
	(void)p;
	__asm__ volatile("di" ::: "memory");
}
static void reserved_insn(void *p)
{
	(void)p;
	__asm__ volatile(".word 0xec000000" ::: "memory");	/* major opcode 59 */
}
static void int_divide(void *p)
{
	volatile int zero = 0, x = *(int *)p;

	x = x / zero;
}
static void add_overflow(void *p)
{
	long a = 0x7fffffffffffffffl, r;

	(void)p;
	__asm__ volatile("dadd %0, %1, %2" : "=r"(r) : "r"(a), "r"(1l));
}
static void break_insn(void *p) { (void)p; __asm__ volatile("break"); }
static void teq_insn(void *p) { (void)p; __asm__ volatile("teq $0, $0"); }

static void faults(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int seven = 7, st, fd;
	pid_t pid;

	check_fault("write to NULL", write_at, NULL, SIGSEGV, SEGV_MAPERR, SI_ADDR, NULL);
	check_fault("read at 0x1000", read_at, (void *)0x1000, SIGSEGV, SEGV_MAPERR,
		    SI_ADDR, (void *)0x1000);
	munmap(m + page, page);
	check_fault("read unmapped page", read_at, m + page + 8, SIGSEGV, SEGV_MAPERR,
		    SI_ADDR, m + page + 8);
	mprotect(m, page, PROT_READ);
	check_fault("write read-only page", write_at, m + 16, SIGSEGV, SEGV_ACCERR,
		    SI_ADDR, m + 16);
	munmap(m, page);
	check_fault("load from CKSEG0", load_byte_at, KERNEL_ADDR, SIGBUS, SI_KERNEL,
		    ANY_ADDR, NULL);
	check_fault("load from xsseg", load_byte_at, XSSEG_ADDR, SIGBUS, SI_KERNEL,
		    ANY_ADDR, NULL);
	check_fault("load from CKSSEG", load_byte_at, CKSSEG_ADDR, SIGBUS, SI_KERNEL,
		    ANY_ADDR, NULL);
	check_fault("load from xkphys", load_byte_at, XKPHYS_ADDR, SIGBUS, SI_KERNEL,
		    ANY_ADDR, NULL);

	/* A file mapping past the end of the file. */
	fd = open("/tmp/equiv-sig", O_CREAT | O_RDWR | O_TRUNC, 0600);
	ftruncate(fd, page);
	m = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	check_fault("read file mapping past EOF", read_at, m + page, SIGBUS, BUS_ADRERR,
		    SI_ADDR, m + page);
	munmap(m, 2 * page);
	close(fd);
	unlink("/tmp/equiv-sig");

	check_fault("mfc0 in user mode", mfc0_status, NULL, SIGILL, SI_KERNEL, ANY_ADDR, NULL);
	check_fault("di in user mode", di_insn, NULL, SIGILL, SI_KERNEL, ANY_ADDR, NULL);
	check_fault("reserved opcode", reserved_insn, NULL, SIGILL, SI_KERNEL, ANY_ADDR, NULL);
	check_fault("int division by zero", int_divide, &seven, SIGFPE, FPE_INTDIV,
		    ANY_ADDR, NULL);
	check_fault("dadd overflow", add_overflow, NULL, SIGFPE, FPE_INTOVF, ANY_ADDR, NULL);
	check_fault("break", break_insn, NULL, SIGTRAP, TRAP_BRKPT, ANY_ADDR, NULL);
	check_fault("teq $0, $0", teq_insn, NULL, SIGTRAP, SI_KERNEL, ANY_ADDR, NULL);

	/* (Not SIGSEGV: the kernel logs unhandled page faults on the console.) */
	pid = xfork();
	if (pid == 0) {
		int_divide(&seven);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE && !WCOREDUMP(st),
	      "unhandled SIGFPE kills the child, no core (RLIMIT_CORE 0)");
}

/* Misaligned loads and stores are emulated by the kernel (TIF_FIXADE). */
static void unaligned(void)
{
	static union { uint64_t q[3]; unsigned char b[24]; } u;
	uint64_t v, want = 0;
	long w;
	int i;

	for (i = 0; i < 24; i++)
		u.b[i] = (unsigned char)(0x11 * (i + 1));
	memcpy(&want, u.b + 3, 8);
	__asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(u.b + 3) : "memory");
	check(v == want, "unaligned ld emulated: 0x%016llx", (unsigned long long)v);
	__asm__ volatile("lw %0, 0(%1)" : "=r"(w) : "r"(u.b + 1) : "memory");
	check(w == (int32_t)0x55443322, "unaligned lw emulated: 0x%08x", (unsigned)w);
	__asm__ volatile("sw %0, 0(%1)" :: "r"(0x0a0b0c0d), "r"(u.b + 10) : "memory");
	__asm__ volatile("sd %0, 0(%1)" :: "r"(0x0102030405060708ul), "r"(u.b + 15) : "memory");
	check(u.b[9] == 0xaa && u.b[10] == 0x0d && u.b[13] == 0x0a && u.b[14] == 0xff &&
	      u.b[15] == 0x08 && u.b[22] == 0x01 && u.b[23] == 0x98,
	      "unaligned sw, sd emulated");
}

static void child_signal(void)
{
	sigset_t set, old;
	pid_t pid;

	set_handler(SIGCHLD, 0, 0);
	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = xfork();
	if (pid == 0)
		_exit(5);
	while (hits == 0)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	check(last.si_signo == SIGCHLD && last.si_code == CLD_EXITED && last.si_status == 5 &&
	      last.si_pid == pid, "SIGCHLD: CLD_EXITED, si_status 5, si_pid == fork return");
	check(wait_status(pid) == 5, "waitpid after SIGCHLD, status 5");
	signal(SIGCHLD, SIG_DFL);
}

static void alarm_pause(void)
{
	int r, e;

	set_handler(SIGALRM, 0, 0);
	hits = 0;
	alarm(10);
	check(alarm(1) == 10, "alarm(1) after alarm(10) returns 10");
	r = pause();
	e = errno;
	check(r == -1 && e == EINTR && hits == 1 && last.si_signo == SIGALRM,
	      "pause returns EINTR after SIGALRM");
	check(alarm(0) == 0, "no alarm left");
}

/* A blocking pipe read interrupted by SIGUSR2 from a child that waits
 * until the parent sleeps; the handler writes a byte into the pipe. */
static int restart_pipe[2];

static void write_byte_handler(int sig)
{
	(void)sig;
	hits++;
	write(restart_pipe[1], "x", 1);
}

static int proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

static void interrupted_read(int flags, ssize_t *r, int *e, char *c)
{
	struct sigaction sa;
	pid_t parent = getpid(), pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = write_byte_handler;
	sa.sa_flags = flags;
	sigaction(SIGUSR2, &sa, NULL);
	pipe(restart_pipe);
	hits = 0;
	pid = xfork();
	if (pid == 0) {
		int i;

		for (i = 0; i < 5000 && proc_state(parent) != 'S'; i++)
			usleep(200);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	*c = 0;
	*r = read(restart_pipe[0], c, 1);
	*e = errno;
	wait_status(pid);
	close(restart_pipe[0]);
	close(restart_pipe[1]);
	signal(SIGUSR2, SIG_DFL);
}

static void restart(void)
{
	ssize_t r;
	char c;
	int e;

	interrupted_read(0, &r, &e, &c);
	check(r == -1 && e == EINTR && hits == 1, "blocking read, handler without SA_RESTART -> EINTR");
	interrupted_read(SA_RESTART, &r, &e, &c);
	check(r == 1 && c == 'x' && hits == 1,
	      "blocking read, handler with SA_RESTART -> restarted, gets the handler's byte");
}

static char altstack[64 * 1024];
static int on_alt, alt_flags;
static sigjmp_buf overflow_jmp;

static void alt_handler(int sig)
{
	char local;
	stack_t ss;

	on_alt = &local >= altstack && &local < altstack + sizeof(altstack);
	sigaltstack(NULL, &ss);
	alt_flags = ss.ss_flags;
	if (sig == SIGSEGV)
		siglongjmp(overflow_jmp, 1);
}

static int recurse(volatile char *prev, int depth)
{
	volatile char buf[1024];

	buf[0] = prev ? prev[0] + 1 : 0;
	if (depth == -1)
		return 0;
	return recurse(buf, depth + 1) + buf[1];
}

static void alt_stack(void)
{
	struct sigaction sa;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };

	check(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alt_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	check(on_alt && alt_flags == SS_ONSTACK, "SA_ONSTACK handler runs on the alternate stack");
	sigaltstack(NULL, &ss);
	check(ss.ss_flags == 0, "outside the handler ss_flags == 0");
	signal(SIGUSR2, SIG_DFL);

	sigaction(SIGSEGV, &sa, NULL);
	on_alt = 0;
	if (sigsetjmp(overflow_jmp, 1) == 0)
		recurse(NULL, 0);
	check(on_alt, "stack overflow -> SIGSEGV handled on the alternate stack");
	signal(SIGSEGV, SIG_DFL);
}

/* The handler uses FP (all 32 registers and another rounding mode). */
static int handler_fp_bad = -1;
static volatile double fp_in = 3.0;
static double fp_out;

static void fp_handler(int sig)
{
	(void)sig;
	fesetround(FE_UPWARD);
	fp_out = 1.0 / fp_in;
	handler_fp_bad = fpregs_around_syscall(0x4000000000000000ull, 0x10001, SYS_getpid,
					       0, 0, 0, NULL);
}

static void fp_across_handler(void)
{
	long ret = -1;
	int bad;

	signal(SIGUSR1, fp_handler);
	fesetround(FE_DOWNWARD);
	bad = fpregs_around_syscall(0x3ff0000000000000ull, 0x123456789ull, SYS_kill,
				    getpid(), SIGUSR1, 0, &ret);
	check(ret == 0 && handler_fp_bad == 0, "handler ran, its FP registers held across getpid");
	check(fp_out == 0x1.5555555555556p-2, "handler's 1/3 rounded upward: %a", fp_out);
	check(bad == 0, "32 FP registers preserved across the handler (%d changed)", bad);
	check(fegetround() == FE_DOWNWARD, "rounding mode preserved across the handler");
	fesetround(FE_TONEAREST);
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	equiv_start("sc-signal");
	handlers();
	queued();
	faults();
	unaligned();
	child_signal();
	restart();
	alt_stack();
	fp_across_handler();
	alarm_pause();
	return equiv_finish();
}
