/*
 * sc-proc: processes. fork and waitpid exit statuses (normal, by signal,
 * WNOHANG, ECHILD); fork's return against the child's getpid/getppid;
 * execve of this program (arguments, environment, FD_CLOEXEC) and of a
 * script, and its errors; pipes (1000 bytes and 1 MiB with checksums,
 * EOF, EPIPE/SIGPIPE, EAGAIN); vfork (+_exit, +execve); process groups
 * and sessions; reparenting of orphans to init and to a subreaper;
 * threads. Only relations between PIDs are printed, never PIDs.
 */
#include "equiv.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define EXEC_STATUS 42
#define BIG (1024 * 1024)

/* Run as "sc-proc exec-child KEEPFD CLOEXECFD": exits EXEC_STATUS if the
 * arguments and environment arrived and only KEEPFD survived the exec. */
static int exec_child(int argc, char **argv)
{
	const char *env = getenv("EQUIV");

	if (argc != 4 || !env || strcmp(env, "yes") != 0)
		return 1;
	if (fcntl(atoi(argv[2]), F_GETFD) != 0)
		return 2;
	if (fcntl(atoi(argv[3]), F_GETFD) != -1 || errno != EBADF)
		return 3;
	return EXEC_STATUS;
}

static char keep_arg[16], cloexec_arg[16];
static char *exec_argv[] = { "sc-proc", "exec-child", keep_arg, cloexec_arg, NULL };
static char *exec_envp[] = { "EQUIV=yes", NULL };

static void fork_wait(void)
{
	static const int codes[5] = { 0, 1, 17, 99, 255 };
	pid_t pid[5], self = getpid(), ids[2];
	int p[2], i, ok = 1;
	char c;

	for (i = 0; i < 5; i++) {
		pid[i] = xfork();
		if (pid[i] == 0)
			_exit(codes[i]);
	}
	for (i = 4; i >= 0; i--)
		ok &= wait_status(pid[i]) == codes[i];
	check(ok, "5 children exit with 0 1 17 99 255, reaped in reverse order");

	pid[0] = xfork();
	if (pid[0] == 0)
		_exit(256 + 3);
	check(wait_status(pid[0]) == 3, "exit(259) is status 3");

	pid[0] = xfork();
	if (pid[0] == 0)
		for (;;)
			pause();
	kill(pid[0], SIGKILL);
	check(wait_status(pid[0]) == 1000 + SIGKILL, "child killed by SIGKILL");

	/* WNOHANG while the child blocks on a pipe, then EOF lets it exit. */
	pipe(p);
	pid[0] = xfork();
	if (pid[0] == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 3 : 4);
	}
	close(p[0]);
	check(waitpid(pid[0], NULL, WNOHANG) == 0, "waitpid WNOHANG on a running child is 0");
	close(p[1]);
	check(wait_status(pid[0]) == 3, "child sees EOF, exits 3");
	errno = 0;
	check(waitpid(-1, NULL, 0) == -1 && errno == ECHILD, "waitpid without children -> ECHILD");

	pipe(p);
	pid[0] = xfork();
	if (pid[0] == 0) {
		ids[0] = getpid();
		ids[1] = getppid();
		write(p[1], ids, sizeof(ids));
		_exit(0);
	}
	close(p[1]);
	read(p[0], ids, sizeof(ids));
	close(p[0]);
	wait_status(pid[0]);
	check(ids[0] == pid[0], "child's getpid == fork return");
	check(ids[1] == self, "child's getppid == parent's getpid");
	check(pid[0] != self, "child pid != parent pid");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);

	write(fd, text, strlen(text));
	close(fd);
	chmod(path, mode);
}

static void exec(void)
{
	char *argv[] = { "script", NULL };
	int p[2], cloexec;
	pid_t pid;

	pipe(p);
	cloexec = fcntl(p[1], F_DUPFD_CLOEXEC, 0);
	snprintf(keep_arg, sizeof(keep_arg), "%d", p[0]);
	snprintf(cloexec_arg, sizeof(cloexec_arg), "%d", cloexec);
	pid = xfork();
	if (pid == 0) {
		execve("/proc/self/exe", exec_argv, exec_envp);
		_exit(127);
	}
	check(wait_status(pid) == EXEC_STATUS,
	      "execve self: argv, envp, fd kept, FD_CLOEXEC fd closed, exit %d", EXEC_STATUS);
	close(p[0]);
	close(p[1]);
	close(cloexec);

	write_file("/tmp/equiv-script", "#!/bin/sh\nexit 5\n", 0755);
	pid = xfork();
	if (pid == 0) {
		execve("/tmp/equiv-script", argv, exec_envp);
		_exit(127);
	}
	check(wait_status(pid) == 5, "execve #! script, exit 5");
	errno = 0;
	check(execve("/tmp/no-such-program", argv, exec_envp) == -1 && errno == ENOENT,
	      "execve missing file -> ENOENT");
	chmod("/tmp/equiv-script", 0644);
	errno = 0;
	check(execve("/tmp/equiv-script", argv, exec_envp) == -1 && errno == EACCES,
	      "execve mode 0644 -> EACCES");
	write_file("/tmp/equiv-script", "\x01\x02\x03\x04 not a program\n", 0755);
	errno = 0;
	check(execve("/tmp/equiv-script", argv, exec_envp) == -1 && errno == ENOEXEC,
	      "execve garbage -> ENOEXEC");
	unlink("/tmp/equiv-script");
}

/* Parent to child and child to parent, with checksums on both sides. */
static void pipes(void)
{
	static unsigned char buf[BIG], ref[1000];
	uint32_t want, got[2];
	int down[2], up[2];
	size_t i, n;
	ssize_t r;
	pid_t pid;
	char c;

	/* 1000 bytes from a child. */
	pipe(up);
	pid = xfork();
	if (pid == 0) {
		for (i = 0; i < 1000; i++)
			buf[i] = pattern_byte(2, i);
		_exit(write(up[1], buf, 1000) == 1000 ? 0 : 1);
	}
	close(up[1]);
	n = 0;
	while ((r = read(up[0], buf + n, BIG - n)) > 0)
		n += r;
	close(up[0]);
	for (i = 0; i < 1000; i++)
		ref[i] = pattern_byte(2, i);
	want = fnv1a(FNV_INIT, ref, 1000);
	check(wait_status(pid) == 0 && n == 1000 && fnv1a(FNV_INIT, buf, n) == want,
	      "pipe 1000 bytes child->parent, checksum 0x%08x", want);

	/* 1 MiB to a child in odd-sized writes; it sends back count and sum. */
	pipe(down);
	pipe(up);
	pid = xfork();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		got[0] = FNV_INIT;
		got[1] = 0;
		while ((r = read(down[0], buf, 4093)) > 0) {
			got[0] = fnv1a(got[0], buf, r);
			got[1] += r;
		}
		write(up[1], got, sizeof(got));
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	for (i = 0; i < BIG; i++)
		buf[i] = pattern_byte(3, i);
	want = fnv1a(FNV_INIT, buf, BIG);
	for (i = 0; i < BIG; i += n) {
		n = BIG - i < 3001 ? BIG - i : 3001;
		if (write(down[1], buf + i, n) != (ssize_t)n)
			break;
	}
	close(down[1]);
	memset(got, 0, sizeof(got));
	read(up[0], got, sizeof(got));
	close(up[0]);
	check(wait_status(pid) == 0 && got[0] == want && got[1] == BIG,
	      "pipe 1 MiB parent->child, checksum 0x%08x", want);

	/* EOF, EAGAIN, EPIPE. */
	pipe(up);
	fcntl(up[0], F_SETFL, O_NONBLOCK);
	errno = 0;
	check(read(up[0], &c, 1) == -1 && errno == EAGAIN, "empty O_NONBLOCK pipe -> EAGAIN");
	close(up[1]);
	check(read(up[0], &c, 1) == 0, "pipe without writers reads 0 (EOF)");
	close(up[0]);
	pipe(up);
	close(up[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	check(write(up[1], "x", 1) == -1 && errno == EPIPE,
	      "write without readers, SIGPIPE ignored -> EPIPE");
	signal(SIGPIPE, SIG_DFL);
	pid = xfork();
	if (pid == 0)
		_exit(write(up[1], "x", 1) == -1 ? 2 : 3);
	check(wait_status(pid) == 1000 + SIGPIPE, "write without readers kills by SIGPIPE");
	close(up[1]);
}

static volatile int vfork_mark;

static void vforks(void)
{
	int p[2], cloexec;
	pid_t pid;

	vfork_mark = 0;
	pid = vfork();
	if (pid == 0) {
		vfork_mark = 1;
		_exit(7);
	}
	check(vfork_mark == 1, "vfork child ran first, in the parent's memory");
	check(wait_status(pid) == 7, "vfork + _exit(7)");

	pipe(p);
	cloexec = fcntl(p[1], F_DUPFD_CLOEXEC, 0);
	snprintf(keep_arg, sizeof(keep_arg), "%d", p[0]);
	snprintf(cloexec_arg, sizeof(cloexec_arg), "%d", cloexec);
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		execve("/proc/self/exe", exec_argv, exec_envp);
		_exit(127);
	}
	check(wait_status(pid) == EXEC_STATUS, "vfork + execve self, exit %d", EXEC_STATUS);
	close(p[0]);
	close(p[1]);
	close(cloexec);
}

/* Process groups and sessions; children report failed relations as bits. */
static void groups(void)
{
	pid_t a, b, self_sid = getsid(0);
	int st, bits, p[2];
	char c;

	pipe(p);
	a = xfork();
	if (a == 0) {
		pid_t me = getpid(), g;

		bits = 0;
		if (getpgrp() != getpgid(getppid()))
			bits |= 1;	/* starts in the parent's group */
		write(p[1], "k", 1);	/* before the parent's setpgid */
		if (setpgid(0, 0) != 0 || getpgrp() != me)
			bits |= 2;
		if (setsid() != -1 || errno != EPERM)
			bits |= 4;
		g = fork();
		if (g == 0) {
			pid_t gme = getpid();

			if (getpgrp() != me)
				_exit(1);
			if (setsid() != gme || getsid(0) != gme || getpgrp() != gme)
				_exit(2);
			if (getsid(getppid()) == gme)
				_exit(3);
			_exit(0);
		}
		if (wait_status(g) != 0)
			bits |= 8;
		_exit(bits);
	}
	read(p[0], &c, 1);
	close(p[0]);
	close(p[1]);
	setpgid(a, a);
	check(getpgid(a) == a, "parent sees child's group == child's pid");
	check(getsid(a) == self_sid, "child stays in the parent's session");
	st = wait_status(a);
	check(st >= 0 && !(st & 1), "child starts in the parent's process group");
	check(st >= 0 && !(st & 2), "setpgid(0,0) makes the child a group leader");
	check(st >= 0 && !(st & 4), "setsid by a group leader -> EPERM");
	check(st >= 0 && !(st & 8), "grandchild setsid: new session and group == its pid");
	check(getsid(0) == self_sid, "parent's session unchanged");

	/* kill(-pgrp) reaches both members of a group, not the parent. */
	a = xfork();
	if (a == 0)
		for (;;)
			pause();
	b = xfork();
	if (b == 0)
		for (;;)
			pause();
	setpgid(a, a);
	setpgid(b, a);
	check(getpgid(b) == a, "second child joins the first one's group");
	kill(-a, SIGUSR1);
	st = wait_status(a);
	check(st == 1000 + SIGUSR1 && wait_status(b) == 1000 + SIGUSR1,
	      "kill(-pgrp, SIGUSR1) kills both members");
}

/* A grandchild whose parent exits: reports 'Y' if reparented as expected. */
static void orphan(int to_subreaper)
{
	pid_t self = getpid(), a;
	int p[2];
	char c = '?';

	pipe(p);
	a = xfork();
	if (a == 0) {
		pid_t me = getpid();

		if (fork() == 0) {
			int i;

			close(p[0]);
			for (i = 0; i < 2000 && getppid() == me; i++)
				usleep(1000);
			c = getppid() == (to_subreaper ? self : 1) ? 'Y' : 'N';
			write(p[1], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	check(wait_status(a) == 0, "middle child exits");
	read(p[0], &c, 1);
	close(p[0]);
	if (to_subreaper) {
		check(c == 'Y', "orphan's getppid is the subreaper's pid");
		check(wait(NULL) > 0, "subreaper reaps the orphan");
	} else {
		check(c == 'Y', "orphan's getppid is 1 after its parent exits");
	}
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pid_t main_pid;

static void *thread_fn(void *arg)
{
	int i;

	for (i = 0; i < 10000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 1000 == 0)
			sched_yield();
	}
	if (getpid() != main_pid || gettid() == main_pid)
		return NULL;
	return arg;
}

static void threads(void)
{
	pthread_t t[2];
	void *r[2];

	main_pid = getpid();
	check(gettid() == main_pid, "main thread's gettid == getpid");
	pthread_create(&t[0], NULL, thread_fn, (void *)1);
	pthread_create(&t[1], NULL, thread_fn, (void *)2);
	pthread_join(t[0], &r[0]);
	pthread_join(t[1], &r[1]);
	check(r[0] == (void *)1 && r[1] == (void *)2,
	      "threads: same getpid, own gettid, join returns their values");
	check(counter == 20000, "2 threads x 10000 locked increments = %ld", counter);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
		return exec_child(argc, argv);
	equiv_start("sc-proc");
	fork_wait();
	exec();
	pipes();
	vforks();
	groups();
	orphan(0);
	check(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "PR_SET_CHILD_SUBREAPER");
	orphan(1);
	threads();
	return equiv_finish();
}
