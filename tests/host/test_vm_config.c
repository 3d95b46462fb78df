/*
 * Host unit tests for monitor/vm_config.c (vm_config_parse,
 * vm_config_reject). The text is always handed over in a heap block of
 * exactly its length, without a NUL, so AddressSanitizer reports any read
 * past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "monitor/vm_config.h"

#define MB (1ull << 20)

/* A set full of garbage, so that every field the parser leaves is seen. */
static struct vm_config_set *new_set(void)
{
	struct vm_config_set *set = malloc(sizeof(*set));

	assert_non_null(set);
	memset(set, 0xa5, sizeof(*set));
	return set;
}

/* Parses the first len bytes of text from an exact, unterminated copy. */
static unsigned int parse_len(const char *text, size_t len,
			      struct vm_config_set *set)
{
	char *copy = malloc(len ? len : 1);
	unsigned int n;

	assert_non_null(copy);
	memcpy(copy, text, len);
	n = vm_config_parse(copy, len, set);
	free(copy);
	return n;
}

static unsigned int parse(const char *text, struct vm_config_set *set)
{
	return parse_len(text, strlen(text), set);
}

static void assert_valid(const struct vm_config *vm, const char *name)
{
	assert_string_equal(vm->name, name);
	assert_true(vm->valid);
	assert_string_equal(vm->error, "");
}

static void assert_invalid(const struct vm_config *vm, const char *error)
{
	assert_false(vm->valid);
	assert_string_equal(vm->error, error);
}

/* ---- valid files ---- */

static void test_full_file(void **state)
{
	static const char text[] =
		"# Disco VM configuration\r\n"                          /* 1 */
		"\r\n"                                                  /* 2 */
		"[vm web]   # the web server\r\n"                       /* 3 */
		"kernel  = unit.elf\r\n"                                /* 4 */
		"vcpus\t=\t4\r\n"                                       /* 5 */
		"  memory =  64M  \r\n"                                 /* 6 */
		"cmdline = console=ttyS0 root=/dev/vda quiet  # why\r\n"/* 7 */
		"cpus    = 0-1,3\r\n"                                   /* 8 */
		"node    = 1\t# near\r\n"                               /* 9 */
		"\t \r\n"                                               /* 10 */
		"   # an indented comment = with an equals sign\r\n"    /* 11 */
		"\t[vm\tdb ]\r\n"                                       /* 12 */
		"\tkernel=db/kernel.elf\r\n"                            /* 13 */
		"vcpus = 16\r\n"                                        /* 14 */
		"memory = 1G\r\n"                                       /* 15 */
		"cmdline = a#b  c=d#e x=\"y z\"\r\n"                    /* 16 */
		"cpus = 2-3,7,15\r\n"                                   /* 17 */
		"node = 15";                                            /* 18 */
	struct vm_config_set *set = new_set();
	const struct vm_config *web = &set->vm[0], *db = &set->vm[1];

	assert_int_equal(parse(text, set), 2);
	assert_int_equal(set->count, 2);
	assert_string_equal(set->error, "");

	assert_valid(web, "web");
	assert_int_equal(web->line, 3);
	assert_string_equal(web->kernel, "unit.elf");
	assert_int_equal(web->vcpus, 4);
	assert_int_equal(web->memory, 64 * MB);
	assert_string_equal(web->cmdline, "console=ttyS0 root=/dev/vda quiet");
	assert_int_equal(web->cpus, 0xb);
	assert_int_equal(web->node, 1);

	assert_valid(db, "db");
	assert_int_equal(db->line, 12);
	assert_string_equal(db->kernel, "db/kernel.elf");
	assert_int_equal(db->vcpus, 16);
	assert_int_equal(db->memory, 1024 * MB);
	assert_string_equal(db->cmdline, "a#b  c=d#e x=\"y z\"");
	assert_int_equal(db->cpus, (1u << 2) | (1u << 3) | (1u << 7) | (1u << 15));
	assert_int_equal(db->node, 15);
	free(set);
}

static void test_defaults(void **state)
{
	struct vm_config_set *set = new_set();
	const struct vm_config *vm = &set->vm[0];

	assert_int_equal(parse("[vm a]\nkernel = k.elf\n", set), 1);
	assert_int_equal(set->count, 1);
	assert_string_equal(set->error, "");
	assert_valid(vm, "a");
	assert_int_equal(vm->line, 1);
	assert_string_equal(vm->kernel, "k.elf");
	assert_int_equal(vm->vcpus, 1);
	assert_int_equal(vm->memory, 32 * MB);
	assert_int_equal(vm->node, -1);
	assert_int_equal(vm->cpus, 0);
	assert_string_equal(vm->cmdline, "");
	assert_string_equal(vm->initrd, "");

	/* An explicitly empty cmdline is fine too. */
	assert_int_equal(parse("[vm a]\nkernel = k.elf\ncmdline =\n", set), 1);
	assert_string_equal(set->vm[0].cmdline, "");
	assert_true(set->vm[0].valid);
	free(set);
}

static void test_empty_and_comment_only(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse_len("", 0, set), 0);
	assert_int_equal(set->count, 0);
	assert_string_equal(set->error, "");

	assert_int_equal(parse("# nothing\n\n   \n\t# more\r\n", set), 0);
	assert_int_equal(set->count, 0);
	assert_string_equal(set->error, "");
	free(set);
}

/* Good values of every key, one VM each. */
static void check_value(const char *setting, const char *field,
			uint64_t want)
{
	char text[256];
	struct vm_config_set *set = new_set();
	const struct vm_config *vm = &set->vm[0];
	uint64_t got;

	snprintf(text, sizeof(text), "[vm v]\nkernel = k\n%s\n", setting);
	assert_int_equal(parse(text, set), 1);
	assert_valid(vm, "v");
	if (strcmp(field, "vcpus") == 0)
		got = vm->vcpus;
	else if (strcmp(field, "memory") == 0)
		got = vm->memory;
	else if (strcmp(field, "cpus") == 0)
		got = vm->cpus;
	else
		got = (uint64_t)(int64_t)vm->node;
	assert_int_equal(got, want);
	free(set);
}

static void test_good_values(void **state)
{
	check_value("vcpus = 1", "vcpus", 1);
	check_value("vcpus = 16", "vcpus", 16);
	check_value("vcpus = 0x10", "vcpus", 16);
	check_value("vcpus=7", "vcpus", 7);
	check_value("memory = 1M", "memory", MB);
	check_value("memory = 1m", "memory", MB);
	check_value("memory = 2048K", "memory", 2 * MB);
	check_value("memory = 1048576", "memory", MB);
	check_value("memory = 0x100000", "memory", MB);
	check_value("memory = 3G", "memory", 3072 * MB);
	check_value("memory = 96M # ok", "memory", 96 * MB);
	check_value("cpus = 0", "cpus", 1);
	check_value("cpus = 3", "cpus", 8);
	check_value("cpus = 0-15", "cpus", 0xffff);
	check_value("cpus = 2-2", "cpus", 4);
	check_value("cpus = 7,7", "cpus", 0x80);
	check_value("cpus = 0,2,4-5", "cpus", 0x35);
	check_value("node = 0", "node", 0);
	check_value("node = 15", "node", 15);
	/* The last of two settings wins. */
	check_value("vcpus = 2\nvcpus = 5", "vcpus", 5);
}

static void test_name_and_path_limits(void **state)
{
	char text[512], name[VM_NAME_MAX], path[VM_PATH_MAX], cmd[VM_CMDLINE_MAX];
	struct vm_config_set *set = new_set();

	memset(name, 'n', VM_NAME_MAX - 1);
	name[VM_NAME_MAX - 1] = '\0';
	memset(path, 'p', VM_PATH_MAX - 1);
	path[VM_PATH_MAX - 1] = '\0';
	memset(cmd, 'c', VM_CMDLINE_MAX - 1);
	cmd[VM_CMDLINE_MAX - 1] = '\0';
	snprintf(text, sizeof(text), "[vm %s]\nkernel = %s\ncmdline = %s\n",
		 name, path, cmd);
	assert_int_equal(parse(text, set), 1);
	assert_valid(&set->vm[0], name);
	assert_string_equal(set->vm[0].kernel, path);
	assert_string_equal(set->vm[0].cmdline, cmd);
	free(set);
}

/* ---- one bad setting in the middle VM ---- */

/*
 * The bad line is line 5, inside VM "bad"; VMs good1 (line 1) and good2
 * (line 6) stay valid and untouched.
 */
static void check_bad_setting(const char *line, const char *error)
{
	char text[1024];
	struct vm_config_set *set = new_set();

	snprintf(text, sizeof(text),
		 "[vm good1]\nkernel = g1.elf\n"
		 "[vm bad]\nkernel = k.elf\n%s\n"
		 "[vm good2]\nkernel = g2.elf\nvcpus = 3\n", line);
	assert_int_equal(parse(text, set), 2);
	assert_int_equal(set->count, 3);
	assert_string_equal(set->error, "");
	assert_valid(&set->vm[0], "good1");
	assert_string_equal(set->vm[0].kernel, "g1.elf");
	assert_int_equal(set->vm[0].vcpus, 1);
	assert_string_equal(set->vm[1].name, "bad");
	assert_int_equal(set->vm[1].line, 3);
	assert_invalid(&set->vm[1], error);
	assert_valid(&set->vm[2], "good2");
	assert_int_equal(set->vm[2].line, 6);
	assert_string_equal(set->vm[2].kernel, "g2.elf");
	assert_int_equal(set->vm[2].vcpus, 3);
	free(set);
}

static void test_unknown_key(void **state)
{
	check_bad_setting("foo = 1", "vm bad, line 5: unknown key 'foo'");
	check_bad_setting("  foo\t=\t1  # c", "vm bad, line 5: unknown key 'foo'");
	check_bad_setting("Kernel = x", "vm bad, line 5: unknown key 'Kernel'");
	check_bad_setting("vcpu = 2", "vm bad, line 5: unknown key 'vcpu'");
	check_bad_setting("= 5", "vm bad, line 5: unknown key ''");
}

static void test_missing_equals(void **state)
{
	check_bad_setting("vcpus 2",
			  "vm bad, line 5: expected 'key = value', got 'vcpus 2'");
	check_bad_setting("  vcpus 2\t# two",
			  "vm bad, line 5: expected 'key = value', got 'vcpus 2'");
	check_bad_setting("kernel",
			  "vm bad, line 5: expected 'key = value', got 'kernel'");
	check_bad_setting("vm b]",
			  "vm bad, line 5: expected 'key = value', got 'vm b]'");
}

static void test_bad_vcpus(void **state)
{
	check_bad_setting("vcpus = 0", "vm bad, line 5: vcpus: want 1 to 16, got '0'");
	check_bad_setting("vcpus = 17", "vm bad, line 5: vcpus: want 1 to 16, got '17'");
	check_bad_setting("vcpus = x", "vm bad, line 5: vcpus: want 1 to 16, got 'x'");
	check_bad_setting("vcpus = 2x", "vm bad, line 5: vcpus: want 1 to 16, got '2x'");
	check_bad_setting("vcpus = 2 4", "vm bad, line 5: vcpus: want 1 to 16, got '2 4'");
	check_bad_setting("vcpus = -1", "vm bad, line 5: vcpus: want 1 to 16, got '-1'");
	check_bad_setting("vcpus =", "vm bad, line 5: vcpus: want 1 to 16, got ''");
	check_bad_setting("vcpus = 4294967297",
			  "vm bad, line 5: vcpus: want 1 to 16, got '4294967297'");
}

static void test_bad_memory(void **state)
{
	check_bad_setting("memory = 1500K",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got '1500K'");
	check_bad_setting("memory = 0",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got '0'");
	check_bad_setting("memory = 0M",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got '0M'");
	check_bad_setting("memory = abc",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got 'abc'");
	check_bad_setting("memory = 64MB",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got '64MB'");
	check_bad_setting("memory = 64 M",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got '64 M'");
	check_bad_setting("memory = 1048575",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got '1048575'");
	check_bad_setting("memory = 17179869184G",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got '17179869184G'");
	check_bad_setting("memory =",
			  "vm bad, line 5: memory: want a non-zero multiple of 1M, got ''");
}

static void test_bad_cpus(void **state)
{
	check_bad_setting("cpus = 5-3",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got '5-3'");
	check_bad_setting("cpus = a",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got 'a'");
	check_bad_setting("cpus = 1,",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got '1,'");
	check_bad_setting("cpus = ,1",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got ',1'");
	check_bad_setting("cpus = 1-",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got '1-'");
	check_bad_setting("cpus = 1 2",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got '1 2'");
	check_bad_setting("cpus = 32",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got '32'");
	check_bad_setting("cpus = 0-99999999999",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got '0-99999999999'");
	check_bad_setting("cpus =",
			  "vm bad, line 5: cpus: want a CPU list like 0-1,3, got ''");
}

static void test_bad_node(void **state)
{
	check_bad_setting("node = 16", "vm bad, line 5: node: want 0 to 15, got '16'");
	check_bad_setting("node = -1", "vm bad, line 5: node: want 0 to 15, got '-1'");
	check_bad_setting("node = x", "vm bad, line 5: node: want 0 to 15, got 'x'");
	check_bad_setting("node = 1x", "vm bad, line 5: node: want 0 to 15, got '1x'");
	check_bad_setting("node =", "vm bad, line 5: node: want 0 to 15, got ''");
}

/* numa_policy, numa.KEY (checked against the policy later, in vm.c) and
 * move_at. */
static void test_numa_keys(void **state)
{
	struct vm_config_set *set = new_set();
	const struct vm_config *vm = &set->vm[0];

	assert_int_equal(parse("[vm a]\nkernel = k.elf\nnuma_policy = migrate\n"
			       "numa.trigger = 16\nnuma.sharing=4\nmove_at = 2000:4-7\n", set), 1);
	assert_valid(vm, "a");
	assert_string_equal(vm->numa_policy, "migrate");
	assert_int_equal(vm->at.numa_policy, 3);
	assert_int_equal(vm->numa_params, 2);
	assert_string_equal(vm->numa[0].key, "trigger");
	assert_int_equal(vm->numa[0].value, 16);
	assert_int_equal(vm->numa[0].line, 4);
	assert_string_equal(vm->numa[1].key, "sharing");
	assert_int_equal(vm->numa[1].value, 4);
	assert_int_equal(vm->move_at_ms, 2000);
	assert_int_equal(vm->move_cpus, 0xf0);
	assert_int_equal(parse("[vm a]\nkernel = k.elf\n", set), 1);
	assert_string_equal(vm->numa_policy, "");
	assert_int_equal(vm->numa_params, 0);
	assert_int_equal(vm->move_at_ms, 0);
	free(set);
	check_bad_setting("numa.trigger = x", "vm bad, line 5: numa.trigger: want a number, got 'x'");
	check_bad_setting("numa.trigger = -1", "vm bad, line 5: numa.trigger: want a number, got '-1'");
	check_bad_setting("numa. = 3", "vm bad, line 5: numa.KEY: a key of 1 to 23 characters");
	check_bad_setting("numa_policy =", "vm bad, line 5: numa_policy: a policy name of 1 to 31 characters");
	check_bad_setting("move_at = 2000", "vm bad, line 5: move_at: want MS:CPUS like 2000:4-7, got '2000'");
	check_bad_setting("move_at = 0:1", "vm bad, line 5: move_at: want MS:CPUS like 2000:4-7, got '0:1'");
	check_bad_setting("move_at = 10:99", "vm bad, line 5: move_at: want MS:CPUS like 2000:4-7, got '10:99'");
}

static void test_initrd(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("[vm a]\nkernel = k.elf\ninitrd = tests/equiv.cpio  # extra\n", set), 1);
	assert_string_equal(set->vm[0].initrd, "tests/equiv.cpio");
	assert_int_equal(set->vm[0].at.initrd, 3);
	free(set);
	check_bad_setting("initrd =",
			  "vm bad, line 5: initrd: a file name of 1 to 63 characters");
}

static void test_disks(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("[vm a]\nkernel = k.elf\ndisk = debian cow\n"
			       "disk =  data\tpersistent  # mine\ndisk = debian ro\n", set), 1);
	assert_int_equal(set->vm[0].disks, 3);
	assert_string_equal(set->vm[0].disk[0].image, "debian");
	assert_int_equal(set->vm[0].disk[0].mode, VM_DISK_COW);
	assert_int_equal(set->vm[0].disk[0].line, 3);
	assert_string_equal(set->vm[0].disk[1].image, "data");
	assert_int_equal(set->vm[0].disk[1].mode, VM_DISK_PERSISTENT);
	assert_int_equal(set->vm[0].disk[2].mode, VM_DISK_RO);
	assert_string_equal(vm_disk_mode_name(VM_DISK_PERSISTENT), "persistent");
	free(set);
	set = new_set();
	assert_int_equal(parse("[vm a]\nkernel = k.elf\n", set), 1);
	assert_int_equal(set->vm[0].disks, 0);
	free(set);
	check_bad_setting("disk = debian", "vm bad, line 5: disk: want IMAGE cow|persistent|ro, got 'debian'");
	check_bad_setting("disk = debian rw", "vm bad, line 5: disk: want IMAGE cow|persistent|ro, got 'debian rw'");
	check_bad_setting("disk = debian cow extra",
			  "vm bad, line 5: disk: want IMAGE cow|persistent|ro, got 'debian cow extra'");
	check_bad_setting("disk =", "vm bad, line 5: disk: an image name of 1 to 63 characters, then cow, persistent or ro");
	static const struct {
		const char *text, *error;
	} multi[] = {
		{ "disk = a cow\ndisk = b cow\ndisk = c cow\ndisk = d cow\ndisk = e cow",
		  "vm bad, line 6: disk: more than 4 disks" },
		{ "disk = a persistent\ndisk = a cow",
		  "vm bad, line 3: disk: 'a' is already disk 1 of this VM, and persistent" },
		{ "disk = a cow\ndisk = a persistent",
		  "vm bad, line 3: disk: 'a' is already disk 1 of this VM, and persistent" },
	};
	for (unsigned int i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
		char text[256];

		set = new_set();
		snprintf(text, sizeof(text), "[vm bad]\n%s\nkernel = k.elf\n", multi[i].text);
		assert_int_equal(parse(text, set), 0);
		assert_invalid(&set->vm[0], multi[i].error);
		free(set);
	}
}

static void test_nets(void **state)
{
	struct vm_config_set *set = new_set();
	static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
	static const uint8_t mac1[6] = { 0x02, 0xab, 0xCD, 0xef, 0x01, 0xff };
	char arg[VM_NET_ARG_MAX];

	assert_int_equal(parse("[vm a]\nkernel = k.elf\ndisk = debian cow\n"
			       "net = 52:54:00:00:00:02 10.0.0.2/24\n"
			       "net =\t02:ab:CD:ef:01:ff   192.168.7.254/23 # second\n", set), 1);
	assert_int_equal(set->vm[0].nets, 2);
	assert_memory_equal(set->vm[0].net[0].mac, mac0, 6);
	assert_int_equal(set->vm[0].net[0].ip, 0x0a000002);
	assert_int_equal(set->vm[0].net[0].prefix, 24);
	assert_int_equal(set->vm[0].net[0].line, 4);
	assert_memory_equal(set->vm[0].net[1].mac, mac1, 6);
	assert_int_equal(set->vm[0].net[1].ip, 0xc0a807fe);
	assert_int_equal(set->vm[0].net[1].prefix, 23);
	assert_int_equal(vm_net_slot(&set->vm[0], 0), 1);       /* after the disk */
	assert_int_equal(vm_net_slot(&set->vm[0], 1), 2);
	assert_int_equal(vm_net_arg(&set->vm[0].net[1], arg, sizeof(arg)),
			 (int)strlen("disco.net=02:ab:cd:ef:01:ff,192.168.7.254/23"));
	assert_string_equal(arg, "disco.net=02:ab:cd:ef:01:ff,192.168.7.254/23");
	free(set);
	set = new_set();
	assert_int_equal(parse("[vm a]\nkernel = k.elf\n", set), 1);
	assert_int_equal(set->vm[0].nets, 0);
	free(set);

	static const struct {
		const char *line, *error;
	} bad[] = {
		{ "net =", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got MAC ''" },
		{ "net = 52:54:00:00:00:02", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address ''" },
		{ "net = 52:54:00:00:00 10.0.0.2/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got MAC '52:54:00:00:00'" },
		{ "net = 52:54:00:00:00:02:03 10.0.0.2/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got MAC '52:54:00:00:00:02:03'" },
		{ "net = 52-54-00-00-00-02 10.0.0.2/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got MAC '52-54-00-00-00-02'" },
		{ "net = 5g:54:00:00:00:02 10.0.0.2/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got MAC '5g:54:00:00:00:02'" },
		{ "net = 2:54:00:00:00:02 10.0.0.2/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got MAC '2:54:00:00:00:02'" },
		{ "net = ff:ff:ff:ff:ff:ff 10.0.0.2/24", "net: MAC ff:ff:ff:ff:ff:ff is a group (multicast) address" },
		{ "net = 01:00:5e:00:00:01 10.0.0.2/24", "net: MAC 01:00:5e:00:00:01 is a group (multicast) address" },
		{ "net = 00:00:00:00:00:00 10.0.0.2/24", "net: MAC 00:00:00:00:00:00 is all zero" },
		{ "net = 52:54:00:00:00:02 10.0.0.2", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '10.0.0.2'" },
		{ "net = 52:54:00:00:00:02 10.0.0/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '10.0.0/24'" },
		{ "net = 52:54:00:00:00:02 10.0.0.256/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '10.0.0.256/24'" },
		{ "net = 52:54:00:00:00:02 10.0.0.0002/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '10.0.0.0002/24'" },
		{ "net = 52:54:00:00:00:02 10.0.0.2/33", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '10.0.0.2/33'" },
		{ "net = 52:54:00:00:00:02 10.0.0.2/24 x", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '10.0.0.2/24 x'" },
		{ "net = 52:54:00:00:00:02 0x0a.0.0.2/24", "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '0x0a.0.0.2/24'" },
		{ "net = 52:54:00:00:00:02 10.0.0.2/0", "net: prefix /0: want 1 to 30" },
		{ "net = 52:54:00:00:00:02 10.0.0.2/31", "net: prefix /31: want 1 to 30" },
		{ "net = 52:54:00:00:00:02 10.0.0.0/24", "net: 10.0.0.0/24 is not a host address (zero, loopback, multicast, or the subnet's own or broadcast address)" },
		{ "net = 52:54:00:00:00:02 10.0.0.255/24", "net: 10.0.0.255/24 is not a host address (zero, loopback, multicast, or the subnet's own or broadcast address)" },
		{ "net = 52:54:00:00:00:02 127.0.0.1/8", "net: 127.0.0.1/8 is not a host address (zero, loopback, multicast, or the subnet's own or broadcast address)" },
		{ "net = 52:54:00:00:00:02 224.0.0.1/24", "net: 224.0.0.1/24 is not a host address (zero, loopback, multicast, or the subnet's own or broadcast address)" },
		{ "net = 52:54:00:00:00:02 0.1.2.3/8", "net: 0.1.2.3/8 is not a host address (zero, loopback, multicast, or the subnet's own or broadcast address)" },
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char error[VM_ERROR_MAX];

		snprintf(error, sizeof(error), "vm bad, line 5: %s", bad[i].error);
		check_bad_setting(bad[i].line, error);
	}
	static const struct {
		const char *text, *error;
	} multi[] = {
		{ "net = 02:00:00:00:00:01 10.0.0.1/24\nnet = 02:00:00:00:00:02 10.0.1.1/24\n"
		  "net = 02:00:00:00:00:03 10.0.2.1/24",
		  "vm bad, line 4: net: more than 2 network interfaces" },
		{ "net = 02:00:00:00:00:01 10.0.0.1/24\nnet = 02:00:00:00:00:01 10.0.1.1/24",
		  "vm bad, line 3: net: MAC 02:00:00:00:00:01 is already interface 1 of this VM" },
		{ "net = 02:00:00:00:00:01 10.0.0.1/24\nnet = 02:00:00:00:00:02 10.0.0.1/16",
		  "vm bad, line 3: net: address 10.0.0.1/16 is already interface 1's" },
	};
	for (unsigned int i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
		char text[256];

		set = new_set();
		snprintf(text, sizeof(text), "[vm bad]\n%s\nkernel = k.elf\n", multi[i].text);
		assert_int_equal(parse(text, set), 0);
		assert_invalid(&set->vm[0], multi[i].error);
		free(set);
	}
}

/* The guest-physical device windows above RAM. */
static void test_device_map(void **state)
{
	assert_true(VM_VIRTIO_GPA >= VM_DEVICE_BASE + 0x1000);
	assert_true(vm_virtio_gpa(VM_VIRTIO_SLOTS - 1) + VM_VIRTIO_STRIDE <= VM_DEVICE_BASE + 0x100000);
	assert_int_equal(vm_virtio_gpa(1) - vm_virtio_gpa(0), 0x200);
}

/* The boot-file layout the monitor and mkdts share. */
static void test_layout(void **state)
{
	assert_int_equal(vm_dtb_gpa(64 * MB), 64 * MB - VM_DTB_ROOM);
	/* 64 KiB-aligned, ending at or below the device tree. */
	assert_int_equal(vm_initrd_gpa(64 * MB, 4096), 64 * MB - VM_DTB_ROOM - 65536);
	assert_int_equal(vm_initrd_gpa(64 * MB, 65536), 64 * MB - VM_DTB_ROOM - 65536);
	assert_int_equal(vm_initrd_gpa(64 * MB, 65537), 64 * MB - VM_DTB_ROOM - 131072);
	assert_int_equal(vm_initrd_gpa(64 * MB, 1), 64 * MB - VM_DTB_ROOM - 65536);
	assert_int_equal(vm_initrd_gpa(1 * MB, 1 * MB - VM_DTB_ROOM), 0);
	assert_int_equal(vm_initrd_gpa(1 * MB, 1 * MB), 0);     /* no room at all */
	assert_int_equal(vm_initrd_gpa(1 * MB, 2 * MB), 0);
}

static void test_bad_kernel_and_cmdline(void **state)
{
	char line[600];

	check_bad_setting("kernel =",
			  "vm bad, line 5: kernel: a file name of 1 to 63 characters");
	check_bad_setting("kernel =   # nothing",
			  "vm bad, line 5: kernel: a file name of 1 to 63 characters");
	strcpy(line, "kernel = ");
	memset(line + 9, 'p', VM_PATH_MAX);
	line[9 + VM_PATH_MAX] = '\0';
	check_bad_setting(line,
			  "vm bad, line 5: kernel: a file name of 1 to 63 characters");

	strcpy(line, "cmdline = ");
	memset(line + 10, 'c', VM_CMDLINE_MAX);
	line[10 + VM_CMDLINE_MAX] = '\0';
	check_bad_setting(line,
			  "vm bad, line 5: cmdline: longer than 255 characters");
	/* A line longer than the parser's line buffer. */
	memset(line + 10, 'c', 580);    /* and so is the parser's line limit */
	line[590] = '\0';
	check_bad_setting(line,
			  "vm bad, line 5: line longer than 511 characters");
}

/* A long value: the message is cut to fit, still NUL-terminated. */
static void test_long_error_message(void **state)
{
	char line[300], want[400];
	struct vm_config_set *set = new_set();
	char text[1024];

	strcpy(line, "vcpus = ");
	memset(line + 8, 'x', 200);
	line[208] = '\0';
	snprintf(text, sizeof(text), "[vm a]\nkernel = k\n%s\n", line);
	assert_int_equal(parse(text, set), 0);
	assert_false(set->vm[0].valid);
	assert_int_equal(strlen(set->vm[0].error), VM_ERROR_MAX - 1);
	snprintf(want, sizeof(want), "vm a, line 3: vcpus: want 1 to 16, got '%s'",
		 line + 8);
	want[VM_ERROR_MAX - 1] = '\0';
	assert_string_equal(set->vm[0].error, want);
	free(set);
}

/* ---- section problems ---- */

static void test_no_kernel(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("[vm a]\nkernel = a.elf\n"
			       "# b has none\n\n"
			       "[vm b]\nvcpus = 2\nmemory = 64M\n"
			       "[vm c]\nkernel = c.elf\n", set), 2);
	assert_int_equal(set->count, 3);
	assert_valid(&set->vm[0], "a");
	assert_invalid(&set->vm[1], "vm b, line 5: no kernel given");
	assert_int_equal(set->vm[1].line, 5);
	assert_valid(&set->vm[2], "c");

	/* The last VM, with nothing after its header. */
	assert_int_equal(parse("[vm a]\nkernel = a.elf\n\n\n[vm z]", set), 1);
	assert_invalid(&set->vm[1], "vm z, line 5: no kernel given");
	free(set);
}

static void test_duplicate_name(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("# dup\n"
			       "[vm a]\nkernel = a.elf\n"
			       "[vm b]\nkernel = b.elf\n\n"
			       "[vm a]\nkernel = a2.elf\nvcpus = 2\n"
			       "[vm a]\nkernel = a3.elf\n"
			       "[vm c]\nkernel = c.elf\n", set), 3);
	assert_int_equal(set->count, 5);
	assert_valid(&set->vm[0], "a");
	assert_string_equal(set->vm[0].kernel, "a.elf");
	assert_int_equal(set->vm[0].vcpus, 1);
	assert_valid(&set->vm[1], "b");
	assert_invalid(&set->vm[2], "vm a, line 7: a VM of that name is on line 2");
	assert_invalid(&set->vm[3], "vm a, line 10: a VM of that name is on line 2");
	assert_valid(&set->vm[4], "c");
	free(set);
}

/*
 * The bad header is line 4; the settings after it belong to the rejected
 * section and must not reach the VM before it.
 */
static void check_bad_header(const char *header, const char *error)
{
	char text[512];
	struct vm_config_set *set = new_set();

	snprintf(text, sizeof(text),
		 "[vm good1]\nkernel = g1.elf\nvcpus = 2\n"
		 "%s\nkernel = k.elf\nvcpus = 4\nmemory = 128M\n"
		 "[vm good2]\nkernel = g2.elf\n", header);
	assert_int_equal(parse(text, set), 2);
	assert_int_equal(set->count, 3);
	assert_string_equal(set->error, "");
	assert_valid(&set->vm[0], "good1");
	assert_string_equal(set->vm[0].kernel, "g1.elf");
	assert_int_equal(set->vm[0].vcpus, 2);
	assert_int_equal(set->vm[0].memory, 32 * MB);
	assert_int_equal(set->vm[1].line, 4);
	assert_invalid(&set->vm[1], error);
	assert_valid(&set->vm[2], "good2");
	assert_int_equal(set->vm[2].line, 8);
	free(set);
}

static void test_bad_header(void **state)
{
	char header[200], want[160];

	check_bad_header("[vmx a]", "vm (unnamed), line 4: expected '[vm NAME]', got '[vmx a]'");
	check_bad_header("[vm ]", "vm (unnamed), line 4: a VM name of 1 to 31 characters");
	check_bad_header("[vm \t ]", "vm (unnamed), line 4: a VM name of 1 to 31 characters");
	check_bad_header("[vm a", "vm (unnamed), line 4: expected '[vm NAME]', got '[vm a'");
	check_bad_header("[vm]", "vm (unnamed), line 4: expected '[vm NAME]', got '[vm]'");
	check_bad_header("[vm", "vm (unnamed), line 4: expected '[vm NAME]', got '[vm'");
	check_bad_header("[", "vm (unnamed), line 4: expected '[vm NAME]', got '['");
	check_bad_header("[]", "vm (unnamed), line 4: expected '[vm NAME]', got '[]'");
	check_bad_header("[VM a]", "vm (unnamed), line 4: expected '[vm NAME]', got '[VM a]'");
	check_bad_header("[ vm a]", "vm (unnamed), line 4: expected '[vm NAME]', got '[ vm a]'");
	check_bad_header("[vm a] x", "vm (unnamed), line 4: expected '[vm NAME]', got '[vm a] x'");
	check_bad_header("[host a]", "vm (unnamed), line 4: expected '[vm NAME]', got '[host a]'");

	/* A name of 32 characters is too long; 31 is fine (test above). */
	memset(want, 'n', VM_NAME_MAX);
	want[VM_NAME_MAX] = '\0';
	snprintf(header, sizeof(header), "[vm %s]", want);
	check_bad_header(header, "vm (unnamed), line 4: a VM name of 1 to 31 characters");
}

static void test_setting_outside_section(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("# top\n"
			       "vcpus = 2\n"
			       "garbage\n"
			       "[vm a]\nkernel = a.elf\n", set), 1);
	assert_string_equal(set->error,
			    "line 2: a setting outside any [vm NAME] section");
	assert_int_equal(set->count, 1);
	assert_valid(&set->vm[0], "a");
	assert_int_equal(set->vm[0].vcpus, 1);

	assert_int_equal(parse("\n\n\nkernel = x.elf\n", set), 0);
	assert_int_equal(set->count, 0);
	assert_string_equal(set->error,
			    "line 4: a setting outside any [vm NAME] section");
	free(set);
}

static void build_vms(char *text, size_t size, unsigned int n,
		      const char *tail)
{
	size_t len = 0;

	text[0] = '\0';
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, size - len,
					"[vm v%u]\nkernel = k%u.elf\n", i, i);
	snprintf(text + len, size - len, "%s", tail);
}

static void test_too_many_vms(void **state)
{
	char text[2048];
	struct vm_config_set *set = new_set();

	/* Exactly VM_MAX is fine. */
	build_vms(text, sizeof(text), VM_MAX, "");
	assert_int_equal(parse(text, set), VM_MAX);
	assert_int_equal(set->count, VM_MAX);
	assert_string_equal(set->error, "");

	/* More: the first extra header (line 33) is refused, the others stay. */
	build_vms(text, sizeof(text), VM_MAX,
		  "[vm extra]\nkernel = e.elf\nvcpus = 9\n[vm extra2]\nkernel = f.elf\n");
	assert_int_equal(parse(text, set), VM_MAX);
	assert_int_equal(set->count, VM_MAX);
	assert_string_equal(set->error, "line 33: more than 16 VMs");
	for (unsigned int i = 0; i < VM_MAX; i++) {
		char name[8], kernel[16];
		snprintf(name, sizeof(name), "v%u", i);
		snprintf(kernel, sizeof(kernel), "k%u.elf", i);
		assert_valid(&set->vm[i], name);
		assert_string_equal(set->vm[i].kernel, kernel);
		assert_int_equal(set->vm[i].vcpus, 1);  /* "vcpus = 9" went nowhere */
	}
	free(set);
}

static void test_first_error_kept(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("[vm a]\n"
			       "vcpus = 0\n"
			       "memory = 3\n"
			       "foo = 1\n", set), 0);     /* and no kernel */
	assert_invalid(&set->vm[0], "vm a, line 2: vcpus: want 1 to 16, got '0'");

	/* A duplicate name and then a bad value: the name is reported. */
	assert_int_equal(parse("[vm a]\nkernel = k\n[vm a]\nnode = 99\n", set), 1);
	assert_invalid(&set->vm[1], "vm a, line 3: a VM of that name is on line 1");

	/* A bad header and then a bad value. */
	assert_int_equal(parse("[vmm]\nnode = 99\n", set), 0);
	assert_invalid(&set->vm[0], "vm (unnamed), line 1: expected '[vm NAME]', got '[vmm]'");
	free(set);
}

static void test_return_counts_valid(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("[vm a]\nkernel = k\n"
			       "[vm b]\n"
			       "[vm c]\nkernel = k\n"
			       "[vm d]\nkernel = k\nvcpus = 99\n"
			       "[vm e]\nkernel = k\n", set), 3);
	assert_int_equal(set->count, 5);
	assert_true(set->vm[0].valid);
	assert_false(set->vm[1].valid);
	assert_true(set->vm[2].valid);
	assert_false(set->vm[3].valid);
	assert_true(set->vm[4].valid);

	assert_int_equal(parse("[vm a]\n[vm b]\n", set), 0);
	assert_int_equal(set->count, 2);
	free(set);
}

/* The parser reads len bytes and no more; no NUL is needed. */
static void test_length_not_nul(void **state)
{
	static const char t1[] = "[vm a]\nkernel = k.elf\nvcpus = 12";
	static const char t2[] = "[vm a]\nkernel = k.elfXYZ\n";
	static const char t3[] = "[vm a]\nkernel = k\n[vm b]\nkernel = k\n";
	struct vm_config_set *set = new_set();

	assert_int_equal(parse_len(t1, sizeof(t1) - 1, set), 1);
	assert_int_equal(set->vm[0].vcpus, 12);
	assert_int_equal(parse_len(t1, sizeof(t1) - 2, set), 1);
	assert_int_equal(set->vm[0].vcpus, 1);
	assert_int_equal(parse_len(t1, sizeof(t1) - 3, set), 0);   /* "vcpus =" */
	assert_invalid(&set->vm[0], "vm a, line 3: vcpus: want 1 to 16, got ''");

	assert_int_equal(parse_len(t2, strlen("[vm a]\nkernel = k.elf"), set), 1);
	assert_string_equal(set->vm[0].kernel, "k.elf");

	/* Cut inside the second header: "[vm b". */
	assert_int_equal(parse_len(t3, strlen("[vm a]\nkernel = k\n[vm b"), set), 1);
	assert_int_equal(set->count, 2);
	assert_valid(&set->vm[0], "a");
	assert_invalid(&set->vm[1], "vm (unnamed), line 3: expected '[vm NAME]', got '[vm b'");

	/* Every prefix of a full file, each in an exact heap block. */
	for (size_t len = 0; len <= sizeof(t3) - 1; len++)
		(void)parse_len(t3, len, set);
	free(set);
}

/* Lines longer than any buffer are no trouble. */
static void test_long_lines(void **state)
{
	static char text[4096];
	struct vm_config_set *set = new_set();
	size_t len;

	strcpy(text, "# ");
	memset(text + 2, 'x', 2000);
	strcpy(text + 2002, "\n[vm a]\nkernel = a.elf\n");
	assert_int_equal(parse(text, set), 1);
	assert_valid(&set->vm[0], "a");
	assert_int_equal(set->vm[0].line, 2);
	assert_string_equal(set->error, "line 1: longer than 511 characters");

	strcpy(text, "[vm a]\nkernel = ");
	len = strlen(text);
	memset(text + len, 'k', 1500);
	strcpy(text + len + 1500, "\nvcpus = 2\n[vm b]\nkernel = b.elf\n");
	assert_int_equal(parse(text, set), 1);
	assert_invalid(&set->vm[0], "vm a, line 2: line longer than 511 characters");
	assert_valid(&set->vm[1], "b");
	assert_int_equal(set->vm[1].line, 4);
	free(set);
}

/* A bad header leaves its VM unnamed: no later VM clashes with it; CPU
 * lists stop at the 16 physical CPUs. */
static void test_unnamed_and_cpu_limit(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("[vmx a]\nkernel=k\n[vm ?]\nkernel=k\n", set), 1);
	assert_valid(&set->vm[1], "?");
	assert_int_equal(parse("[vm a]\nkernel=k\ncpus=15\n[vm b]\nkernel=k\ncpus=0-16\n", set), 1);
	assert_int_equal(set->vm[0].cpus, 1u << 15);
	assert_invalid(&set->vm[1], "vm b, line 6: cpus: want a CPU list like 0-1,3, got '0-16'");
	free(set);
}

/* A second parse into the same set starts from scratch. */
static void test_reparse_resets(void **state)
{
	struct vm_config_set *set = new_set();

	assert_int_equal(parse("x = 1\n[vm a]\nkernel = k\n[vm b]\n", set), 1);
	assert_int_equal(set->count, 2);
	assert_string_not_equal(set->error, "");
	assert_int_equal(parse("[vm c]\nkernel = k\n", set), 1);
	assert_int_equal(set->count, 1);
	assert_string_equal(set->error, "");
	assert_valid(&set->vm[0], "c");
	free(set);
}

/* ---- vm_config_reject ---- */

static void test_reject(void **state)
{
	struct vm_config vm;
	char want[VM_ERROR_MAX + 100];

	memset(&vm, 0, sizeof(vm));
	strcpy(vm.name, "web");
	vm.valid = true;
	vm_config_reject(&vm, 7, "memory: %s is %d too %s", "64M", 3, "much");
	assert_false(vm.valid);
	assert_string_equal(vm.error, "vm web, line 7: memory: 64M is 3 too much");

	/* The first reason stays. */
	vm_config_reject(&vm, 9, "something else");
	assert_false(vm.valid);
	assert_string_equal(vm.error, "vm web, line 7: memory: 64M is 3 too much");

	/* An already invalid VM is left alone. */
	memset(&vm, 0, sizeof(vm));
	strcpy(vm.name, "x");
	vm.valid = false;
	vm_config_reject(&vm, 1, "late");
	assert_false(vm.valid);
	assert_string_equal(vm.error, "");

	/* Cut to fit, NUL-terminated, nothing written past the end. */
	memset(&vm, 0, sizeof(vm));
	memset(vm.name, 'n', VM_NAME_MAX - 1);
	vm.valid = true;
	vm.cmdline[0] = 'Z';
	vm_config_reject(&vm, 123, "%0150d", 5);
	snprintf(want, sizeof(want), "vm %s, line 123: %0150d", vm.name, 5);
	want[VM_ERROR_MAX - 1] = '\0';
	assert_string_equal(vm.error, want);
	assert_int_equal(strlen(vm.error), VM_ERROR_MAX - 1);
	assert_int_equal(vm.cmdline[0], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_name_and_path_limits),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_equals),
		cmocka_unit_test(test_bad_vcpus),
		cmocka_unit_test(test_bad_memory),
		cmocka_unit_test(test_bad_cpus),
		cmocka_unit_test(test_bad_node),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_disks),
		cmocka_unit_test(test_nets),
		cmocka_unit_test(test_device_map),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_bad_kernel_and_cmdline),
		cmocka_unit_test(test_long_error_message),
		cmocka_unit_test(test_no_kernel),
		cmocka_unit_test(test_duplicate_name),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_setting_outside_section),
		cmocka_unit_test(test_too_many_vms),
		cmocka_unit_test(test_first_error_kept),
		cmocka_unit_test(test_return_counts_valid),
		cmocka_unit_test(test_length_not_nul),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_unnamed_and_cpu_limit),
		cmocka_unit_test(test_reparse_resets),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_numa_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
