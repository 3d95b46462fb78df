/*
 * VM configuration parsing (see vm_config.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include "monitor/format.h"
#include "monitor/parse.h"
#include "monitor/string.h"
#include "monitor/vm_config.h"

#define LINE_MAX 512
#define DEFAULT_MEMORY (32ul << 20)

void vm_config_reject(struct vm_config *vm, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!vm->valid)
		return;
	vm->valid = false;
	n = fmt_snprintf(vm->error, sizeof(vm->error), "vm %s, line %d: ",
			 vm->name[0] ? vm->name : "(unnamed)", line);
	if (n < 0 || (size_t)n >= sizeof(vm->error))
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(vm->error + n, sizeof(vm->error) - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trims spaces at both ends, in place. */
static char *trim(char *s)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n && is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Copies src into dst[size]; false if it does not fit. */
static bool copy_string(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

/* "0-1,3" into a mask of physical CPUs (0 to 15). */
static bool parse_cpu_list(const char *s, uint32_t *mask)
{
	*mask = 0;
	for (;;) {
		uint64_t first, last;
		if (!parse_uint(&s, &first))
			return false;
		last = first;
		if (*s == '-') {
			s++;
			if (!parse_uint(&s, &last) || last < first)
				return false;
		}
		if (last >= 16)
			return false;
		for (uint64_t c = first; c <= last; c++)
			*mask |= 1u << c;
		if (*s == '\0')
			return true;
		if (*s++ != ',')
			return false;
	}
}

/* "numa.KEY = VALUE": kept as given; vm.c checks KEY against the policy. */
static void parse_numa_param(struct vm_config *vm, int line, const char *key, const char *value)
{
	const char *p = value;
	uint64_t n;

	if (vm->numa_params == VM_NUMA_PARAMS) {
		vm_config_reject(vm, line, "numa.%s: more than %d numa. settings", key,
				 VM_NUMA_PARAMS);
		return;
	}
	if (!*key || !copy_string(vm->numa[vm->numa_params].key, VM_NUMA_KEY_MAX, key)) {
		vm_config_reject(vm, line, "numa.KEY: a key of 1 to %d characters",
				 VM_NUMA_KEY_MAX - 1);
		return;
	}
	if (!parse_uint(&p, &n) || *p || n > UINT32_MAX) {
		vm_config_reject(vm, line, "numa.%s: want a number, got '%s'", key, value);
		return;
	}
	vm->numa[vm->numa_params].value = (uint32_t)n;
	vm->numa[vm->numa_params++].line = line;
}

const char *vm_disk_mode_name(enum vm_disk_mode mode)
{
	return mode == VM_DISK_COW ? "cow" : mode == VM_DISK_PERSISTENT ? "persistent" : "ro";
}

/* "disk = IMAGE MODE": one more virtio disk. */
static void parse_disk(struct vm_config *vm, int line, char *value)
{
	char *mode = value;
	struct vm_disk_config *d;

	while (*mode && !is_space(*mode))
		mode++;
	if (*mode)
		*mode++ = '\0';
	mode = trim(mode);
	if (vm->disks == VM_MAX_DISKS) {
		vm_config_reject(vm, line, "disk: more than %d disks", VM_MAX_DISKS);
		return;
	}
	d = &vm->disk[vm->disks];
	if (!*value || !copy_string(d->image, sizeof(d->image), value)) {
		vm_config_reject(vm, line, "disk: an image name of 1 to %d characters, then cow, persistent or ro",
				 VM_PATH_MAX - 1);
		return;
	}
	if (strcmp(mode, "cow") == 0)
		d->mode = VM_DISK_COW;
	else if (strcmp(mode, "persistent") == 0)
		d->mode = VM_DISK_PERSISTENT;
	else if (strcmp(mode, "ro") == 0)
		d->mode = VM_DISK_RO;
	else {
		vm_config_reject(vm, line, "disk: want IMAGE cow|persistent|ro, got '%s%s%s'",
				 value, *mode ? " " : "", mode);
		return;
	}
	for (unsigned int i = 0; i < vm->disks; i++)
		if (strcmp(vm->disk[i].image, d->image) == 0 &&
		    (d->mode == VM_DISK_PERSISTENT || vm->disk[i].mode == VM_DISK_PERSISTENT)) {
			vm_config_reject(vm, line, "disk: '%s' is already disk %u of this VM, and persistent",
					 d->image, i + 1);
			return;
		}
	d->line = line;
	vm->disks++;
}

int vm_net_arg(const struct vm_net_config *n, char *buf, size_t size)
{
	return fmt_snprintf(buf, size, "disco.net=%02x:%02x:%02x:%02x:%02x:%02x,%u.%u.%u.%u/%u",
			    n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5],
			    n->ip >> 24, (n->ip >> 16) & 255, (n->ip >> 8) & 255, n->ip & 255,
			    n->prefix);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "52:54:00:00:00:02": exactly six pairs of hex digits. */
static bool parse_mac(const char *s, uint8_t *mac)
{
	for (unsigned int i = 0; i < VM_MAC_LEN; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (*s != (i + 1 < VM_MAC_LEN ? ':' : '\0'))
			return false;
		s++;
	}
	return true;
}

/* A decimal number of 1 to 3 digits, at most max. */
static bool parse_small(const char **s, unsigned int max, unsigned int *out)
{
	unsigned int v = 0, n = 0;

	while (**s >= '0' && **s <= '9' && n < 3) {
		v = v * 10 + (unsigned int)(**s - '0');
		(*s)++;
		n++;
	}
	if (!n || (**s >= '0' && **s <= '9') || v > max)
		return false;
	*out = v;
	return true;
}

/* "10.0.0.2/24": a dotted quad in decimal and a prefix length. */
static bool parse_ipv4_prefix(const char *s, uint32_t *ip, unsigned int *prefix)
{
	unsigned int b;

	*ip = 0;
	for (unsigned int i = 0; i < 4; i++) {
		if (!parse_small(&s, 255, &b))
			return false;
		*ip = *ip << 8 | b;
		if (*s++ != (i < 3 ? '.' : '/'))
			return false;
	}
	return parse_small(&s, 32, prefix) && !*s;
}

/* "net = MAC ADDR/PREFIX": one more network interface. */
static void parse_net(struct vm_config *vm, int line, char *value)
{
	char *addr = value;
	struct vm_net_config *n;
	uint32_t host;

	while (*addr && !is_space(*addr))
		addr++;
	if (*addr)
		*addr++ = '\0';
	addr = trim(addr);
	if (vm->nets == VM_MAX_NETS) {
		vm_config_reject(vm, line, "net: more than %d network interfaces", VM_MAX_NETS);
		return;
	}
	n = &vm->net[vm->nets];
	if (!parse_mac(value, n->mac)) {
		vm_config_reject(vm, line, "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got MAC '%s'",
				 value);
		return;
	}
	if (n->mac[0] & 1) {
		vm_config_reject(vm, line, "net: MAC %s is a group (multicast) address", value);
		return;
	}
	if (!(n->mac[0] | n->mac[1] | n->mac[2] | n->mac[3] | n->mac[4] | n->mac[5])) {
		vm_config_reject(vm, line, "net: MAC %s is all zero", value);
		return;
	}
	if (!parse_ipv4_prefix(addr, &n->ip, &n->prefix)) {
		vm_config_reject(vm, line, "net: want MAC ADDR/PREFIX like 52:54:00:00:00:02 10.0.0.2/24, got address '%s'",
				 addr);
		return;
	}
	host = n->prefix >= 32 ? 0 : ~0u >> n->prefix;
	if (n->prefix < 1 || n->prefix > 30) {
		vm_config_reject(vm, line, "net: prefix /%u: want 1 to 30", n->prefix);
		return;
	}
	if (n->ip >> 24 == 0 || n->ip >> 24 == 127 || n->ip >> 24 >= 224 ||
	    (n->ip & host) == 0 || (n->ip & host) == host) {
		vm_config_reject(vm, line, "net: %s is not a host address (zero, loopback, multicast, or the subnet's own or broadcast address)",
				 addr);
		return;
	}
	for (unsigned int i = 0; i < vm->nets; i++) {
		if (memcmp(vm->net[i].mac, n->mac, VM_MAC_LEN) == 0) {
			vm_config_reject(vm, line, "net: MAC %s is already interface %u of this VM",
					 value, i + 1);
			return;
		}
		if (vm->net[i].ip == n->ip) {
			vm_config_reject(vm, line, "net: address %s is already interface %u's", addr,
					 i + 1);
			return;
		}
	}
	n->line = line;
	vm->nets++;
}

/* One "key = value" line inside a VM section. */
static void parse_setting(struct vm_config *vm, int line, char *text)
{
	char *eq = text, *key, *value;
	const char *p;
	uint64_t n;

	while (*eq && *eq != '=')
		eq++;
	if (!*eq) {
		vm_config_reject(vm, line, "expected 'key = value', got '%s'", text);
		return;
	}
	*eq = '\0';
	key = trim(text);
	value = trim(eq + 1);
	p = value;

	if (strcmp(key, "kernel") == 0) {
		vm->at.kernel = line;
		if (!*value || !copy_string(vm->kernel, sizeof(vm->kernel), value))
			vm_config_reject(vm, line, "kernel: a file name of 1 to %d characters",
					 VM_PATH_MAX - 1);
	} else if (strcmp(key, "initrd") == 0) {
		vm->at.initrd = line;
		if (!*value || !copy_string(vm->initrd, sizeof(vm->initrd), value))
			vm_config_reject(vm, line, "initrd: a file name of 1 to %d characters",
					 VM_PATH_MAX - 1);
	} else if (strcmp(key, "vcpus") == 0) {
		vm->at.vcpus = line;
		if (!parse_uint(&p, &n) || *p || n < 1 || n > VM_MAX_VCPUS)
			vm_config_reject(vm, line, "vcpus: want 1 to %d, got '%s'",
					 VM_MAX_VCPUS, value);
		else
			vm->vcpus = (unsigned int)n;
	} else if (strcmp(key, "memory") == 0) {
		vm->at.memory = line;
		if (!parse_size(&p, &n) || *p || n == 0 || n % (1ul << 20))
			vm_config_reject(vm, line, "memory: want a non-zero multiple of 1M, got '%s'",
					 value);
		else
			vm->memory = n;
	} else if (strcmp(key, "cmdline") == 0) {
		if (!copy_string(vm->cmdline, sizeof(vm->cmdline), value))
			vm_config_reject(vm, line, "cmdline: longer than %d characters",
					 VM_CMDLINE_MAX - 1);
	} else if (strcmp(key, "cpus") == 0) {
		vm->at.cpus = line;
		if (!parse_cpu_list(value, &vm->cpus))
			vm_config_reject(vm, line, "cpus: want a CPU list like 0-1,3, got '%s'",
					 value);
	} else if (strcmp(key, "node") == 0) {
		vm->at.node = line;
		if (!parse_uint(&p, &n) || *p || n >= 16)
			vm_config_reject(vm, line, "node: want 0 to 15, got '%s'", value);
		else
			vm->node = (int)n;
	} else if (strcmp(key, "numa_policy") == 0) {
		vm->at.numa_policy = line;
		if (!*value || !copy_string(vm->numa_policy, sizeof(vm->numa_policy), value))
			vm_config_reject(vm, line, "numa_policy: a policy name of 1 to %d characters",
					 VM_NUMA_NAME_MAX - 1);
	} else if (strncmp(key, "numa.", 5) == 0) {
		parse_numa_param(vm, line, key + 5, value);
	} else if (strcmp(key, "disk") == 0) {
		parse_disk(vm, line, value);
	} else if (strcmp(key, "net") == 0) {
		parse_net(vm, line, value);
	} else if (strcmp(key, "move_at") == 0) {
		vm->at.move_at = line;
		if (!parse_uint(&p, &n) || *p != ':' || n == 0 || n > UINT32_MAX ||
		    !parse_cpu_list(p + 1, &vm->move_cpus))
			vm_config_reject(vm, line, "move_at: want MS:CPUS like 2000:4-7, got '%s'",
					 value);
		else
			vm->move_at_ms = (uint32_t)n;
	} else {
		vm_config_reject(vm, line, "unknown key '%s'", key);
	}
}

/* "[vm NAME]": starts a section; returns it, or NULL (set->error says why). */
static struct vm_config *start_section(struct vm_config_set *set, int line,
				       char *text)
{
	size_t n = strlen(text);
	struct vm_config *vm;
	char *name;

	if (set->count == VM_MAX) {
		fmt_snprintf(set->error, sizeof(set->error),
			     "line %d: more than %d VMs", line, VM_MAX);
		return 0;
	}
	vm = &set->vm[set->count++];
	memset(vm, 0, sizeof(*vm));
	vm->vcpus = 1;
	vm->memory = DEFAULT_MEMORY;
	vm->node = -1;
	vm->line = line;
	vm->valid = true;

	if (n < 2 || text[n - 1] != ']' || strncmp(text, "[vm", 3) != 0 ||
	    !is_space(text[3])) {
		vm_config_reject(vm, line, "expected '[vm NAME]', got '%s'", text);
		return vm;
	}
	text[n - 1] = '\0';
	name = trim(text + 3);
	if (!*name || !copy_string(vm->name, sizeof(vm->name), name)) {
		vm_config_reject(vm, line, "a VM name of 1 to %d characters", VM_NAME_MAX - 1);
		return vm;
	}
	copy_string(vm->name, sizeof(vm->name), name);
	for (unsigned int i = 0; i + 1 < set->count; i++)
		if (set->vm[i].name[0] && strcmp(set->vm[i].name, name) == 0)
			vm_config_reject(vm, line, "a VM of that name is on line %d",
					 set->vm[i].line);
	return vm;
}

unsigned int vm_config_parse(const char *text, size_t len,
			     struct vm_config_set *set)
{
	struct vm_config *vm = 0;
	unsigned int valid = 0;
	size_t pos = 0;
	int line = 0;

	set->count = 0;
	set->error[0] = '\0';
	while (pos < len) {
		char buf[LINE_MAX], *s;
		size_t n = 0;
		bool too_long = false;
		line++;
		while (pos < len && text[pos] != '\n') {
			if (n + 1 < sizeof(buf))
				buf[n++] = text[pos];
			else
				too_long = true;
			pos++;
		}
		pos++;          /* the newline */
		buf[n] = '\0';
		if (too_long) {
			if (vm)
				vm_config_reject(vm, line, "line longer than %d characters",
						 LINE_MAX - 1);
			else if (!set->error[0])
				fmt_snprintf(set->error, sizeof(set->error),
					     "line %d: longer than %d characters", line, LINE_MAX - 1);
			continue;
		}
		for (s = buf; *s; s++)
			if (*s == '#' && (s == buf || is_space(s[-1])))
				*s = '\0';      /* a comment runs to the end of line */
		s = trim(buf);
		if (!*s)
			continue;
		if (*s == '[') {
			vm = start_section(set, line, s);
			if (!vm)
				break;
		} else if (!vm) {
			if (!set->error[0])
				fmt_snprintf(set->error, sizeof(set->error),
					     "line %d: a setting outside any [vm NAME] section", line);
		} else {
			parse_setting(vm, line, s);
		}
	}
	for (unsigned int i = 0; i < set->count; i++) {
		if (set->vm[i].valid && !set->vm[i].kernel[0])
			vm_config_reject(&set->vm[i], set->vm[i].line, "no kernel given");
		if (set->vm[i].valid)
			valid++;
	}
	return valid;
}
