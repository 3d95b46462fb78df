/*
 * sc-mm: memory management. A 16 MiB anonymous mapping touched page by
 * page (zero-filled, checksum, copied on write by a forked child);
 * munmap/mprotect faults (SEGV_MAPERR, SEGV_ACCERR); MAP_SHARED and
 * MAP_PRIVATE file mappings against read()/write(); copy-on-write across
 * fork; shared anonymous memory; mremap; madvise(MADV_DONTNEED); MAP_FIXED;
 * brk/sbrk; stack growth; the kernel faulting user pages in during
 * read(); code written at run time (instruction cache); mmap errors.
 * Offsets are in 4 KiB steps so nothing printed depends on the page size.
 */
#include "equiv.h"

#include <fcntl.h>
#include <sys/mman.h>

#define BIG (16ul << 20)
#define STEP 4096ul
#define FILE_T "/tmp/equiv-mm"

static long page;

static void *map_anon(size_t len, int flags)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | flags, -1, 0);
}

static uint64_t word_at(size_t off)
{
	return (off + 1) * 0x9e3779b97f4a7c15ull;
}

static void write_at(void *p) { *(volatile char *)p = 1; }
static void read_at(void *p) { (void)*(volatile char *)p; }

static void big_anon(void)
{
	char *m = map_anon(BIG, MAP_PRIVATE);
	uint64_t sum = 0, sum2 = 0;
	size_t off;
	int zero = 1, st;
	pid_t pid;

	check(m != MAP_FAILED, "mmap anonymous 16 MiB");
	for (off = 0; off < BIG; off += STEP)
		zero &= m[off] == 0 && m[off + STEP - 1] == 0;
	check(zero, "fresh anonymous memory reads as zeros");
	for (off = 0; off < BIG; off += STEP) {
		*(uint64_t *)(m + off) = word_at(off);
		*(uint64_t *)(m + off + STEP / 2) = ~word_at(off);
	}
	for (off = BIG; off > 0; off -= STEP) {
		sum = sum * 31 + *(uint64_t *)(m + off - STEP);
		sum2 += ~*(uint64_t *)(m + off - STEP / 2) ^ word_at(off - STEP);
	}
	check(sum2 == 0 && m[100] == 0, "every 4 KiB written, read back");
	say("16 MiB checksum 0x%016llx", (unsigned long long)sum);

	/* The child copies every page on write and checks its own copy. */
	pid = xfork();
	if (pid == 0) {
		uint64_t s = 0;

		for (off = 0; off < BIG; off += STEP)
			*(uint64_t *)(m + off) += 1;
		for (off = BIG; off > 0; off -= STEP)
			s = s * 31 + *(uint64_t *)(m + off - STEP) - 1;
		_exit(s == sum ? 0 : 1);
	}
	st = wait_status(pid);
	for (off = 0, sum2 = 0; off < BIG; off += STEP)
		sum2 |= *(uint64_t *)(m + off) ^ word_at(off);
	check(st == 0 && sum2 == 0, "child writes all 16 MiB (copy on write), parent unchanged");

	check(munmap(m + BIG / 2, BIG / 2) == 0, "munmap upper 8 MiB");
	check_fault("read after munmap", read_at, m + BIG / 2 + 123, SIGSEGV, SEGV_MAPERR,
		    SI_ADDR, m + BIG / 2 + 123);
	check(*(uint64_t *)(m + BIG / 2 - STEP) == word_at(BIG / 2 - STEP),
	      "lower half still mapped");
	check(mprotect(m, STEP, PROT_READ) == 0, "mprotect PROT_READ");
	check_fault("write to PROT_READ", write_at, m + 8, SIGSEGV, SEGV_ACCERR, SI_ADDR, m + 8);
	check(*(uint64_t *)m == word_at(0), "PROT_READ memory still readable");
	check(mprotect(m, STEP, PROT_READ | PROT_WRITE) == 0, "mprotect back to read-write");
	check(catch_fault(write_at, m + 8, NULL) == 0 && m[8] == 1, "the write now works");
	mprotect(m, STEP, PROT_NONE);
	check_fault("read PROT_NONE", read_at, m + 16, SIGSEGV, SEGV_ACCERR, SI_ADDR, m + 16);
	check(mprotect(m + BIG / 2, STEP, PROT_READ) == -1 && errno == ENOMEM,
	      "mprotect unmapped range -> ENOMEM");
	munmap(m, BIG / 2);
}

static void file_maps(void)
{
	char buf[1000], *s, *p;
	int fd, i, ok;

	fd = open(FILE_T, O_CREAT | O_RDWR | O_TRUNC, 0600);
	ftruncate(fd, 65536);
	s = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(s != MAP_FAILED, "mmap MAP_SHARED file 64 KiB");
	memcpy(s + 100, "hello", 5);
	for (i = 0; i < 1000; i++)
		s[40000 + i] = (char)pattern_byte(4, i);
	check(msync(s, 65536, MS_SYNC) == 0, "msync");
	check(pread(fd, buf, 5, 100) == 5 && memcmp(buf, "hello", 5) == 0,
	      "read() sees a write through the shared mapping");
	ok = pread(fd, buf, 1000, 40000) == 1000;
	for (i = 0; i < 1000; i++)
		ok &= buf[i] == (char)pattern_byte(4, i);
	check(ok, "read() sees 1000 bytes written at 40000");
	pwrite(fd, "world", 5, 200);
	check(memcmp(s + 200, "world", 5) == 0, "the shared mapping sees a write()");

	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(memcmp(p + 100, "hello", 5) == 0, "MAP_PRIVATE mapping shows the file");
	memcpy(p + 100, "HELLO", 5);
	check(pread(fd, buf, 5, 100) == 5 && memcmp(buf, "hello", 5) == 0 &&
	      memcmp(s + 100, "hello", 5) == 0, "MAP_PRIVATE write stays private");
	check(madvise(p, 65536, MADV_DONTNEED) == 0 && memcmp(p + 100, "hello", 5) == 0,
	      "MADV_DONTNEED on MAP_PRIVATE file: back to the file's data");
	munmap(p, 65536);
	munmap(s, 65536);

	s = map_anon(65536, MAP_PRIVATE);
	check(pread(fd, s, 65536, 0) == 65536 && memcmp(s + 200, "world", 5) == 0,
	      "read() into untouched anonymous pages");
	munmap(s, 65536);
	close(fd);

	fd = open(FILE_T, O_RDONLY);
	errno = 0;
	check(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == EACCES, "PROT_WRITE MAP_SHARED of an O_RDONLY fd -> EACCES");
	errno = 0;
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 1) == MAP_FAILED && errno == EINVAL,
	      "mmap unaligned offset -> EINVAL");
	close(fd);
	unlink(FILE_T);
	errno = 0;
	check(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL, "mmap length 0 -> EINVAL");
	errno = 0;
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, 99, 0) == MAP_FAILED && errno == EBADF,
	      "mmap fd 99 -> EBADF");
	errno = 0;
	check(munmap((void *)(page + 1), 4096) == -1 && errno == EINVAL,
	      "munmap unaligned address -> EINVAL");
}

static void fork_sharing(void)
{
	char *priv = map_anon(4 * STEP, MAP_PRIVATE);
	char *shared = map_anon(STEP, MAP_SHARED);
	int go[2], st;
	pid_t pid;
	char c;

	memset(priv, 'A', 4 * STEP);
	shared[0] = 1;
	pipe(go);
	pid = xfork();
	if (pid == 0) {
		int bits = 0;

		read(go[0], &c, 1);	/* the parent has written 'P' by now */
		if (priv[0] != 'A' || priv[3 * STEP] != 'A')
			bits |= 1;
		memset(priv, 'B', 4 * STEP);
		if (priv[0] != 'B' || priv[4 * STEP - 1] != 'B')
			bits |= 2;
		if (shared[0] != 1)
			bits |= 4;
		shared[0] = 2;
		_exit(bits);
	}
	priv[0] = 'P';
	write(go[1], "g", 1);
	st = wait_status(pid);
	check(st >= 0 && !(st & 1), "MAP_PRIVATE: child sees the pre-fork data, not the parent's later write");
	check(st >= 0 && !(st & 2), "MAP_PRIVATE: child's own writes visible to it");
	check(priv[0] == 'P' && priv[1] == 'A' && priv[4 * STEP - 1] == 'A',
	      "MAP_PRIVATE: child's writes invisible to the parent");
	check(st >= 0 && !(st & 4), "MAP_SHARED anonymous: child sees the parent's value");
	check(shared[0] == 2, "MAP_SHARED anonymous: parent sees the child's value");
	close(go[0]);
	close(go[1]);
	munmap(priv, 4 * STEP);
	munmap(shared, STEP);
}

static void remap_advise(void)
{
	char *m = map_anon(65536, MAP_PRIVATE), *q;
	int ok = 1;
	size_t i;

	for (i = 0; i < 65536; i++)
		m[i] = (char)pattern_byte(5, i);
	q = mremap(m, 65536, 1 << 20, MREMAP_MAYMOVE);
	check(q != MAP_FAILED, "mremap 64 KiB -> 1 MiB");
	for (i = 0; i < 65536; i++)
		ok &= q[i] == (char)pattern_byte(5, i);
	for (i = 65536; i < (1 << 20); i += STEP)
		ok &= q[i] == 0;
	check(ok, "mremap keeps the contents, new part zero");
	q[(1 << 20) - 1] = 9;
	q = mremap(q, 1 << 20, 65536, 0);
	check(q != MAP_FAILED && q[65535] == (char)pattern_byte(5, 65535),
	      "mremap shrink to 64 KiB in place");

	check(madvise(q, 65536, MADV_DONTNEED) == 0, "madvise MADV_DONTNEED");
	ok = 1;
	for (i = 0; i < 65536; i++)
		ok &= q[i] == 0;
	check(ok, "MADV_DONTNEED anonymous pages read as zeros");

	memset(q, 7, 65536);
	m = mmap(q, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(m == q && m[0] == 0 && m[65535] == 0, "MAP_FIXED over a mapping gives new zero pages");
	munmap(m, 65536);
}

static void sbrk_stack(void)
{
	char *b0 = sbrk(0), *top;
	size_t i;
	int ok = 1;

	check(sbrk(1 << 20) == b0, "sbrk(1 MiB) returns the old break");
	top = sbrk(0);
	check(top == b0 + (1 << 20), "new break is 1 MiB higher");
	for (i = 0; i < (1 << 20); i += STEP)
		ok &= b0[i] == 0;
	memset(b0, 0x5a, 1 << 20);
	check(ok && b0[(1 << 20) - 1] == 0x5a, "new heap zeroed, writable");
	check(sbrk(-(1 << 20)) == top && sbrk(0) == b0, "sbrk(-1 MiB) back to the old break");
	check_fault("access 1 MiB above the lowered break", read_at, top - 8, SIGSEGV,
		    SEGV_MAPERR, SI_ADDR, top - 8);
	check(brk(b0 + 65536) == 0 && sbrk(0) == b0 + 65536 && brk(b0) == 0, "brk up and down");
}

static int grow_stack(int depth)
{
	volatile char frame[8192];

	frame[0] = (char)depth;
	frame[8191] = 1;
	if (depth == 0)
		return frame[0] + frame[8191];
	return grow_stack(depth - 1) + frame[0] - (char)depth;
}

typedef int (*fn_t)(void);

static void jit(void)
{
	uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fn_t fn = (fn_t)code;

	code[0] = 0x03e00008;	/* jr ra */
	code[1] = 0x2402002a;	/* li v0, 42 (delay slot) */
	__builtin___clear_cache((char *)code, (char *)(code + 2));
	check(fn() == 42, "code written at run time returns 42");
	code[1] = 0x2402002b;	/* li v0, 43 */
	__builtin___clear_cache((char *)code, (char *)(code + 2));
	check(fn() == 43, "rewritten after a cache flush, returns 43");
	munmap(code, 4096);
}

int main(void)
{
	equiv_start("sc-mm");
	page = sysconf(_SC_PAGESIZE);
	check(page >= 4096 && (page & (page - 1)) == 0, "page size a power of two >= 4 KiB");
	big_anon();
	file_maps();
	fork_sharing();
	remap_advise();
	sbrk_stack();
	check(grow_stack(128) == 1, "stack grows by 1 MiB of frames");
	jit();
	return equiv_finish();
}
