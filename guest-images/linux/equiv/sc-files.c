/*
 * sc-files: file system calls on /tmp (tmpfs): open/read/write/lseek,
 * pread/pwrite, ftruncate, fstat/stat, dup/dup2/fcntl, rename/unlink,
 * mkdir/rmdir, getcwd/chdir, symlink/readlink, directory listing (sorted);
 * the errno of bad calls (EBADF, ENOENT, EEXIST, EFAULT, EINVAL, ENOSYS);
 * uname's sysname and machine; the user ids.
 */
#include "equiv.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#define DIR_T "/tmp/equiv-files"
/* Addresses no user pointer may reach: the native kernel's CKSEG0, the
 * disco guest kernel's direct map in xsseg, its vmalloc area in CKSSEG. */
#define KERNEL_ADDR ((void *)0xffffffff80000000ul)
#define XSSEG_ADDR ((void *)0x4000000000100000ul)
#define CKSSEG_ADDR ((void *)0xffffffffc0000000ul)
#define TMPFS_MAGIC 0x01021994

/* Whether call returned -1 with errno e; prints both. */
static void check_errno(long r, int e, const char *what)
{
	int saved = errno;

	check(r == -1 && saved == e, "%s -> %s", what,
	      r == -1 ? strerrorname_np(saved) : "success");
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_write_seek(void)
{
	static char buf[20000], in[20000];
	struct stat st;
	size_t i;
	int fd, ok;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)pattern_byte(1, i);
	fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0666);
	check(fd >= 0, "open O_CREAT");
	check(write(fd, buf, 10000) == 10000, "write 10000 bytes");
	check(lseek(fd, 0, SEEK_CUR) == 10000, "offset after write is 10000");
	check(lseek(fd, 100, SEEK_SET) == 100, "lseek SEEK_SET 100");
	check(read(fd, in, 50) == 50 && memcmp(in, buf + 100, 50) == 0,
	      "read 50 bytes at 100 match");
	check(lseek(fd, -10, SEEK_END) == 9990, "lseek SEEK_END -10 is 9990");
	check(read(fd, in, 100) == 10, "read at end-10 returns 10");
	check(read(fd, in, 100) == 0, "read at end returns 0");
	check(pread(fd, in, 1000, 5000) == 1000 && memcmp(in, buf + 5000, 1000) == 0,
	      "pread 1000 at 5000 matches");
	check(lseek(fd, 0, SEEK_CUR) == 10000, "pread keeps the offset");
	check(pwrite(fd, buf, 100, 15000) == 100, "pwrite 100 at 15000");
	fstat(fd, &st);
	check(st.st_size == 15100, "fstat size after pwrite is 15100");
	memset(in, 0x55, 5000);
	ok = pread(fd, in, 5000, 10000) == 5000;
	for (i = 0; i < 5000; i++)
		ok &= in[i] == 0;
	check(ok, "hole between 10000 and 15000 reads as zeros");
	check(ftruncate(fd, 4096) == 0, "ftruncate 4096");
	check(fstat(fd, &st) == 0 && st.st_size == 4096, "fstat size is 4096");
	check(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644 && st.st_nlink == 1,
	      "fstat regular file, mode 0644 (umask 022), 1 link");
	check(stat("data", &st) == 0 && st.st_size == 4096, "stat size is 4096");
	check(link("data", "data2") == 0 && stat("data", &st) == 0 && st.st_nlink == 2,
	      "link: 2 links");
	unlink("data2");
	close(fd);

	/* O_APPEND and reading back the whole file. */
	fd = open("data", O_WRONLY | O_APPEND);
	check(write(fd, "tail", 4) == 4 && lseek(fd, 0, SEEK_CUR) == 4100,
	      "O_APPEND write goes to the end");
	close(fd);
	fd = open("data", O_RDONLY);
	check(read(fd, in, sizeof(in)) == 4100 && memcmp(in, buf, 4096) == 0 &&
	      memcmp(in + 4096, "tail", 4) == 0, "read back 4100 bytes");
	check_errno(write(fd, "x", 1), EBADF, "write to O_RDONLY fd");
	say("data checksum 0x%08x", fnv1a(FNV_INIT, in, 4100));
	close(fd);
}

static void dup_fcntl(void)
{
	int fd, fd2, fd3, flags;
	char c;

	fd = open("data", O_RDWR);
	fd2 = dup(fd);
	check(fd2 >= 0 && fd2 != fd, "dup gives a new fd");
	lseek(fd, 7, SEEK_SET);
	check(lseek(fd2, 0, SEEK_CUR) == 7, "dup shares the file offset");
	check(dup2(fd, 40) == 40, "dup2 to 40 returns 40");
	check(read(40, &c, 1) == 1 && lseek(fd, 0, SEEK_CUR) == 8,
	      "read on dup2 fd moves the shared offset");
	check(fcntl(fd, F_GETFD) == 0, "F_GETFD is 0 after open");
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	check(fcntl(fd, F_GETFD) == FD_CLOEXEC, "F_SETFD FD_CLOEXEC");
	check(fcntl(fd2, F_GETFD) == 0, "dup fd has no FD_CLOEXEC");
	flags = fcntl(fd, F_GETFL);
	check((flags & O_ACCMODE) == O_RDWR, "F_GETFL O_RDWR");
	fcntl(fd, F_SETFL, flags | O_APPEND);
	check((fcntl(fd2, F_GETFL) & O_APPEND) != 0, "F_SETFL O_APPEND seen through dup");
	fd3 = fcntl(fd, F_DUPFD, 50);
	check(fd3 == 50, "F_DUPFD 50 returns 50");
	check(fcntl(fd, F_DUPFD_CLOEXEC, 50) == 51 && fcntl(51, F_GETFD) == FD_CLOEXEC,
	      "F_DUPFD_CLOEXEC 50 returns 51 with FD_CLOEXEC");
	close(51);
	close(fd3);
	close(40);
	close(fd2);
	close(fd);
	check(fd == open("data", O_RDONLY), "open reuses the lowest free fd");
	close(fd);
}

static void names(void)
{
	char buf[256], *list[16];
	struct dirent *de;
	struct stat st;
	unsigned n = 0, i;
	DIR *d;

	check(rename("data", "renamed") == 0, "rename");
	check_errno(stat("data", &st), ENOENT, "stat old name");
	check(stat("renamed", &st) == 0 && st.st_size == 4100, "stat new name");
	check(mkdir("sub", 0755) == 0, "mkdir");
	check_errno(mkdir("sub", 0755), EEXIST, "mkdir existing");
	check(stat("sub", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2,
	      "stat directory, 2 links");
	close(open("sub/f", O_CREAT | O_WRONLY, 0600));
	check_errno(rmdir("sub"), ENOTEMPTY, "rmdir non-empty");
	check(symlink("renamed", "link") == 0, "symlink");
	memset(buf, 0, sizeof(buf));
	check(readlink("link", buf, sizeof(buf)) == 7 && strcmp(buf, "renamed") == 0,
	      "readlink gives \"renamed\"");
	check(lstat("link", &st) == 0 && S_ISLNK(st.st_mode) && stat("link", &st) == 0 &&
	      S_ISREG(st.st_mode), "lstat link, stat follows it");
	check_errno(readlink("renamed", buf, sizeof(buf)), EINVAL, "readlink of a file");
	close(open("a", O_CREAT | O_WRONLY, 0600));
	close(open("zz", O_CREAT | O_WRONLY, 0600));

	d = opendir(".");
	while ((de = readdir(d)) != NULL && n < 16) {
		snprintf(buf, sizeof(buf), "%.64s/%c", de->d_name,
			 de->d_type == DT_DIR ? 'd' : de->d_type == DT_REG ? 'f' :
			 de->d_type == DT_LNK ? 'l' : '?');
		list[n++] = strdup(buf);
	}
	closedir(d);
	qsort(list, n, sizeof(list[0]), names_cmp);
	buf[0] = 0;
	for (i = 0; i < n; i++) {
		strcat(buf, " ");
		strcat(buf, list[i]);
		free(list[i]);
	}
	check(strcmp(buf, " ../d ./d a/f link/l renamed/f sub/d zz/f") == 0,
	      "directory listing:%s", buf);

	check(chdir("sub") == 0 && getcwd(buf, sizeof(buf)) &&
	      strcmp(buf, DIR_T "/sub") == 0, "chdir sub, getcwd %s", buf);
	check(chdir("..") == 0 && getcwd(buf, sizeof(buf)) &&
	      strcmp(buf, DIR_T) == 0, "chdir .., getcwd %s", buf);
	check(unlink("sub/f") == 0 && rmdir("sub") == 0, "unlink, rmdir");
	check(unlink("renamed") == 0 && unlink("link") == 0 && unlink("a") == 0 &&
	      unlink("zz") == 0, "unlink files");
	check_errno(unlink("renamed"), ENOENT, "unlink missing");
}

static void errors(void)
{
	struct stat st;
	char buf[16];
	int fd;

	check_errno(read(-1, buf, 1), EBADF, "read fd -1");
	check_errno(close(1000), EBADF, "close fd 1000");
	check_errno(fstat(999, &st), EBADF, "fstat fd 999");
	check_errno(open("/tmp/no/such", O_RDONLY), ENOENT, "open missing path");
	fd = open("e", O_CREAT | O_EXCL | O_RDWR, 0600);
	check(fd >= 0, "open O_CREAT|O_EXCL new");
	check_errno(open("e", O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST,
		    "open O_CREAT|O_EXCL existing");
	check_errno(syscall(SYS_write, fd, (void *)8, 16), EFAULT,
		    "write from address 8");
	check_errno(syscall(SYS_write, fd, KERNEL_ADDR, 16), EFAULT,
		    "write from a kernel address");
	check_errno(syscall(SYS_read, fd, KERNEL_ADDR, 0x10), EFAULT,
		    "read to a kernel address");
	check_errno(syscall(SYS_write, fd, XSSEG_ADDR, 16), EFAULT, "write from xsseg");
	check_errno(syscall(SYS_read, fd, XSSEG_ADDR, 16), EFAULT, "read to xsseg");
	check_errno(syscall(SYS_read, fd, CKSSEG_ADDR, 16), EFAULT, "read to CKSSEG");
	check_errno(syscall(SYS_getcwd, (void *)8, 100), EFAULT, "getcwd to address 8");
	check_errno(syscall(SYS_open, (void *)16, O_RDONLY), EFAULT, "open path at address 16");
	check_errno(syscall(SYS_uname, KERNEL_ADDR), EFAULT, "uname to a kernel address");
	check_errno(lseek(fd, 0, 99), EINVAL, "lseek whence 99");
	check_errno(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to -1");
	check_errno(fcntl(fd, 9999), EINVAL, "fcntl cmd 9999");
	check_errno(mkdir("", 0755), ENOENT, "mkdir empty name");
	check_errno(syscall(9999), ENOSYS, "syscall 9999");
	check_errno(syscall(4001), ENOSYS, "o32 syscall number 4001 (exit)");
	close(fd);
	unlink("e");
}

int main(void)
{
	struct utsname u;
	struct statfs sf;
	char buf[256];

	equiv_start("sc-files");
	umask(022);
	check(statfs("/tmp", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "statfs /tmp is tmpfs");
	rmdir(DIR_T);
	check(mkdir(DIR_T, 0755) == 0 && chdir(DIR_T) == 0, "mkdir, chdir " DIR_T);
	check(getcwd(buf, sizeof(buf)) && strcmp(buf, DIR_T) == 0, "getcwd %s", buf);
	read_write_seek();
	dup_fcntl();
	names();
	errors();
	check(chdir("/") == 0 && rmdir(DIR_T) == 0, "rmdir " DIR_T);

	check(uname(&u) == 0, "uname");
	say("uname sysname %s machine %s", u.sysname, u.machine);
	say("uid %d euid %d gid %d egid %d", (int)getuid(), (int)geteuid(),
	    (int)getgid(), (int)getegid());
	return equiv_finish();
}
