/*
 * Shared helpers of the equivalence tests (guest-images/linux/equiv): each
 * program prints "NAME: what ok|FAILED" per check and a final
 * "NAME: N checks, M failed" line; its exit status is 1 if any failed.
 * Lines hold only what Linux semantics fix (no PIDs, addresses, times),
 * so the native kernel and a kernel under the monitor print the same.
 * Children never print: they report through exit statuses and pipes.
 */
#ifndef EQUIV_H
#define EQUIV_H

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define UNUSED __attribute__((unused))

static const char *equiv_name;
static int equiv_checks, equiv_failed;

static inline void equiv_start(const char *name)
{
	equiv_name = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* An informational line: "NAME: text". */
__attribute__((format(printf, 1, 2)))
static inline void say(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", equiv_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* One check: "NAME: text ok" or "NAME: text FAILED"; returns ok. */
__attribute__((format(printf, 2, 3)))
static inline int check(int ok, const char *fmt, ...)
{
	va_list ap;

	equiv_checks++;
	if (!ok)
		equiv_failed++;
	printf("%s: ", equiv_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" %s\n", ok ? "ok" : "FAILED");
	fflush(stdout);
	return ok;
}

/* The final line and the exit status. */
static inline int equiv_finish(void)
{
	printf("%s: %d checks, %d failed\n", equiv_name, equiv_checks, equiv_failed);
	fflush(stdout);
	return equiv_failed ? 1 : 0;
}

/* fork() with stdout flushed first, so no buffered line is printed twice. */
static inline pid_t xfork(void)
{
	fflush(stdout);
	return fork();
}

/* The exit status of a child, or -1 if it did not exit normally (a
 * signal number n is reported as 1000 + n). */
static inline int wait_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 1000 + WTERMSIG(st);
	return -1;
}

/* A recoverable fault: run fn(arg) with a handler for SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE and SIGTRAP that records the siginfo and siglongjmps
 * back. Returns the signal caught (0 if none) and fills *si. */
static UNUSED sigjmp_buf fault_jmp;
static UNUSED siginfo_t fault_info;
static UNUSED volatile sig_atomic_t fault_sig;

static inline void fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_info = *si;
	siglongjmp(fault_jmp, 1);
}

static inline int catch_fault(void (*fn)(void *), void *arg, siginfo_t *si)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	struct sigaction sa, old[sizeof(sigs) / sizeof(sigs[0])];
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &old[i]);
	fault_sig = 0;
	memset(&fault_info, 0, sizeof(fault_info));
	if (sigsetjmp(fault_jmp, 1) == 0)
		fn(arg);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &old[i], NULL);
	if (si)
		*si = fault_info;
	return fault_sig;
}

static inline const char *signame(int sig)
{
	switch (sig) {
	case 0: return "no signal";
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	default: return "another signal";
	}
}

/* The name of si_code for the codes the tests expect. */
static inline const char *codename(int sig, int code)
{
	static char other[24];

	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	case SI_TIMER: return "SI_TIMER";
	}
	if (sig == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRALN) return "BUS_ADRALN";
	if (sig == SIGBUS && code == BUS_ADRERR) return "BUS_ADRERR";
	if (sig == SIGBUS && code == BUS_OBJERR) return "BUS_OBJERR";
	if (sig == SIGILL && code == ILL_ILLOPC) return "ILL_ILLOPC";
	if (sig == SIGILL && code == ILL_PRVOPC) return "ILL_PRVOPC";
	if (sig == SIGFPE && code == FPE_INTDIV) return "FPE_INTDIV";
	if (sig == SIGFPE && code == FPE_INTOVF) return "FPE_INTOVF";
	if (sig == SIGFPE && code == FPE_FLTDIV) return "FPE_FLTDIV";
	if (sig == SIGFPE && code == FPE_FLTOVF) return "FPE_FLTOVF";
	if (sig == SIGFPE && code == FPE_FLTUND) return "FPE_FLTUND";
	if (sig == SIGFPE && code == FPE_FLTRES) return "FPE_FLTRES";
	if (sig == SIGFPE && code == FPE_FLTINV) return "FPE_FLTINV";
	if (sig == SIGTRAP && code == TRAP_BRKPT) return "TRAP_BRKPT";
	if (sig == SIGCHLD && code == CLD_EXITED) return "CLD_EXITED";
	if (sig == SIGCHLD && code == CLD_KILLED) return "CLD_KILLED";
	snprintf(other, sizeof(other), "si_code %d", code);
	return other;
}

/* Expect fn(arg) to raise sig with si_code code; with check_addr, also
 * si_addr == addr. Prints e.g. "what -> SIGSEGV SEGV_MAPERR, si_addr
 * right ok", with what was caught instead on failure. */
#define ANY_ADDR 0
#define SI_ADDR 1
static inline int check_fault(const char *what, void (*fn)(void *), void *arg,
			      int sig, int code, int check_addr, void *addr)
{
	siginfo_t si;
	int got = catch_fault(fn, arg, &si);
	int ok = got == sig && si.si_code == code &&
		 (!check_addr || si.si_addr == addr);

	if (!ok && got)
		say("  (%s got %s %s, si_addr %s)", what, signame(got),
		    codename(got, si.si_code), si.si_addr == addr ? "right" : "wrong");
	else if (!ok)
		say("  (%s got no signal)", what);
	return check(ok, "%s -> %s %s%s", what, signame(sig), codename(sig, code),
		     check_addr ? ", si_addr right" : "");
}

/* A simple checksum (FNV-1a, 32 bits) of a buffer, continued from h
 * (start with FNV_INIT). */
#define FNV_INIT 2166136261u
static inline uint32_t fnv1a(uint32_t h, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Deterministic pseudo-random bytes: byte i of stream seed. */
static inline unsigned char pattern_byte(unsigned seed, size_t i)
{
	uint32_t x = (uint32_t)i * 2654435761u + seed * 40503u;

	return (unsigned char)(x ^ (x >> 13) ^ (x >> 24));
}

/*
 * All 32 FP registers around a system call: load $f0..$f31 with
 * base, base + step, ..., make system call nr(a0, a1, a2) from the same asm
 * block (the kernel may switch tasks or deliver a signal in it), then
 * store the registers to out[]. Returns the number of registers that
 * changed; *ret gets the syscall's v0 (negative errno on error).
 */
#define FP_SET(n) "dmtc1 %[t], $f" #n "\n\t daddu %[t], %[t], %[step]\n\t"
#define FP_GET(n) "dmfc1 %[t], $f" #n "\n\t sd %[t], " #n "*8(%[out])\n\t"
#define FP_8(m, a, b, c, d, e, f, g, h) m(a) m(b) m(c) m(d) m(e) m(f) m(g) m(h)

static inline int fpregs_around_syscall(uint64_t base, uint64_t step, long nr,
					long a0, long a1, long a2, long *ret)
{
	uint64_t out[32];
	register long v0 __asm__("$2") = nr;
	register long r4 __asm__("$4") = a0;
	register long r5 __asm__("$5") = a1;
	register long r6 __asm__("$6") = a2;
	register long r7 __asm__("$7");
	uint64_t t = base;
	int i, bad = 0;

	__asm__ volatile(
		FP_8(FP_SET, 0, 1, 2, 3, 4, 5, 6, 7)
		FP_8(FP_SET, 8, 9, 10, 11, 12, 13, 14, 15)
		FP_8(FP_SET, 16, 17, 18, 19, 20, 21, 22, 23)
		FP_8(FP_SET, 24, 25, 26, 27, 28, 29, 30, 31)
		"syscall\n\t"
		FP_8(FP_GET, 0, 1, 2, 3, 4, 5, 6, 7)
		FP_8(FP_GET, 8, 9, 10, 11, 12, 13, 14, 15)
		FP_8(FP_GET, 16, 17, 18, 19, 20, 21, 22, 23)
		FP_8(FP_GET, 24, 25, 26, 27, 28, 29, 30, 31)
		: "+r"(v0), "+r"(r4), "+r"(r5), "+r"(r6), "=r"(r7), [t] "+r"(t)
		: [step] "r"(step), [out] "r"(out)
		: "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13",
		  "$14", "$15", "$24", "$25", "hi", "lo", "memory",
		  "$f0", "$f1", "$f2", "$f3", "$f4", "$f5", "$f6", "$f7",
		  "$f8", "$f9", "$f10", "$f11", "$f12", "$f13", "$f14", "$f15",
		  "$f16", "$f17", "$f18", "$f19", "$f20", "$f21", "$f22", "$f23",
		  "$f24", "$f25", "$f26", "$f27", "$f28", "$f29", "$f30", "$f31");
	if (ret)
		*ret = r7 ? -v0 : v0;
	for (i = 0; i < 32; i++)
		if (out[i] != base + (uint64_t)i * step)
			bad++;
	return bad;
}

#endif
