/*
 * From the boot ROM's hand-off to monitor_start(): reads the YAMON-style
 * argument and environment tables QEMU's malta loader leaves in low RAM.
 *
 * Entry state (hw/mips/malta.c): a0 = argc, a1 = argv, a2 = envp, each a
 * table of 32-bit kseg0 pointers. a0 is not to be trusted: with
 * -semihosting QEMU leaves it as it was at reset. The table always holds
 * argv[0] (the kernel's file name) and argv[1], the command line, prefixed
 * with "rd_start=0x... rd_size=N " when -initrd is given; envp holds
 * name/value pairs (memsize, ememsize, ...) ending in a NULL name.
 */
#include <stdint.h>
#include "arch/addrspace.h"
#include "monitor/boot.h"
#include "monitor/parse.h"
#include "monitor/string.h"
#include "board.h"

void monitor_main(long argc, const int32_t *argv, const int32_t *envp,
		  unsigned long low_ram) __attribute__((noreturn));

extern char __image_start[], __image_end[];

static const char *prom_string(int32_t p)
{
	return (const char *)(intptr_t)p;       /* sign-extends into kseg0 */
}

/* The decimal value of an environment variable, or 0 if absent. */
static uint64_t prom_env_number(const int32_t *envp, const char *name)
{
	for (; envp[0]; envp += 2) {
		const char *value = envp[1] ? prom_string(envp[1]) : "";
		uint64_t n;
		if (strcmp(prom_string(envp[0]), name) == 0 &&
		    parse_uint(&value, &n))
			return n;
	}
	return 0;
}

/* Takes a leading "key=NUMBER " off the command line if present. */
static const char *take_number(const char *s, const char *key, uint64_t *out)
{
	size_t len = strlen(key);
	const char *p = s + len;

	if (strncmp(s, key, len) != 0 || !parse_uint(&p, out))
		return s;
	while (*p == ' ')
		p++;
	return p;
}

void monitor_main(long argc, const int32_t *argv, const int32_t *envp,
		  unsigned long low_ram)
{
	static struct boot_info bi;

	(void)argc;
	uint64_t rd_start = 0, rd_size = 0;
	const char *cmdline = argv[0] && argv[1] ? prom_string(argv[1]) : "";

	cmdline = take_number(cmdline, "rd_start=", &rd_start);
	cmdline = take_number(cmdline, "rd_size=", &rd_size);

	bi.cmdline = cmdline;
	bi.low_ram_size = prom_env_number(envp, "memsize");
	bi.ram_size = prom_env_number(envp, "ememsize");
	if (!bi.low_ram_size)
		bi.low_ram_size = low_ram;
	if (!bi.ram_size)
		bi.ram_size = bi.low_ram_size;
	if (bi.ram_size > MALTA_RAM_MAX)
		bi.ram_size = MALTA_RAM_MAX;
	bi.reserved_below = MALTA_PROM_TABLE_END;
	bi.image_start = virt_to_phys(__image_start);
	bi.image_end = virt_to_phys(__image_end);
	if (rd_size) {
		bi.initrd_start = virt_to_phys((void *)rd_start);
		bi.initrd_size = rd_size;
	}
	monitor_start(&bi);
}
