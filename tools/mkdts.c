/*
 * mkdts: writes the device-tree source of every valid VM in a VM
 * configuration file, for Debian's dtc to compile into the boot bundle
 * (tools/mkbundle.sh). It parses the file with the monitor's own parser
 * (monitor/vm_config.c), so the tree and the VM the monitor builds agree;
 * the monitor checks each VM's .dtb when it loads the bundle.
 *
 *   mkdts CONFIG OUTDIR [DIR...]   writes OUTDIR/NAME.dts for each valid VM
 *
 * A VM with an initrd gets linux,initrd-start/end in /chosen: where the
 * monitor will put the file (vm_initrd_gpa), which needs its size, so the
 * file is looked up in the DIRs in order, as mkbundle.sh does.
 *
 * The tree is what Linux's MIPS generic platform reads (docs/guest-abi.md):
 * memory from guest-physical 0, the command line, one cpu node per vCPU,
 * the CPU's interrupt controller and the 16550 UART at malta's COM1 on IP2,
 * and a virtio,mmio node per virtio slot in use (disks, then network
 * interfaces). Each network interface adds disco.net=MAC,ADDR/PREFIX to
 * the command line (vm_net_arg): the guest configures itself from it.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/mips64/malta/board.h"
#include "devices/mmio.h"
#include "monitor/vm_config.h"

#define UART_CLOCK_HZ 1843200   /* the PC UART crystal Linux's 8250 assumes */

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The size of the first DIR/name that exists, or -1. */
static long long find_size(const char *name, char **dirs, int ndirs)
{
	for (int i = 0; i < ndirs; i++) {
		char path[1024];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return (long long)st.st_size;
	}
	return -1;
}

static void put_u64(FILE *f, uint64_t v)
{
	fprintf(f, "<0x%x 0x%x>", (unsigned int)(v >> 32), (unsigned int)v);
}

/* initrd_size < 0: no initrd. */
static void write_dts(FILE *f, const struct vm_config *c, long long initrd_size)
{
	fprintf(f, "/dts-v1/;\n\n/ {\n");
	fprintf(f, "\t#address-cells = <2>;\n\t#size-cells = <2>;\n");
	fprintf(f, "\tcompatible = \"disco,vm\";\n\tmodel = ");
	put_string(f, c->name);
	fprintf(f, ";\n\n\tchosen {\n\t\tbootargs = ");
	{
		char args[VM_CMDLINE_MAX + VM_MAX_NETS * (VM_NET_ARG_MAX + 1)];
		size_t n = (size_t)snprintf(args, sizeof(args), "%s", c->cmdline);

		for (unsigned int i = 0; i < c->nets; i++) {
			args[n++] = ' ';
			n += (size_t)vm_net_arg(&c->net[i], args + n, sizeof(args) - n);
		}
		put_string(f, args);
	}
	fprintf(f, ";\n\t\tstdout-path = \"serial0:115200n8\";\n");
	if (initrd_size >= 0) {
		uint64_t start = vm_initrd_gpa(c->memory, (uint64_t)initrd_size);

		fprintf(f, "\t\tlinux,initrd-start = ");
		put_u64(f, start);
		fprintf(f, ";\n\t\tlinux,initrd-end = ");
		put_u64(f, start + (uint64_t)initrd_size);
		fprintf(f, ";\n");
	}
	fprintf(f, "\t};\n\n");
	fprintf(f, "\taliases {\n\t\tserial0 = &uart;\n\t};\n\n");
	fprintf(f, "\tcpus {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <0>;\n");
	for (unsigned int i = 0; i < c->vcpus; i++)
		fprintf(f, "\t\tcpu@%u {\n\t\t\tdevice_type = \"cpu\";\n"
			"\t\t\tcompatible = \"mti,mips64r2\";\n\t\t\treg = <%u>;\n"
			"\t\t\tclock-frequency = <%u>;\n\t\t};\n",
			i, i, 2u * MALTA_COUNT_HZ);
	fprintf(f, "\t};\n\n");
	fprintf(f, "\tmemory@0 {\n\t\tdevice_type = \"memory\";\n"
		"\t\treg = <0x0 0x0 0x%x 0x%x>;\n\t};\n\n",
		(unsigned int)(c->memory >> 32), (unsigned int)c->memory);
	fprintf(f, "\tcpu_intc: interrupt-controller {\n"
		"\t\tcompatible = \"mti,cpu-interrupt-controller\";\n"
		"\t\tinterrupt-controller;\n\t\t#address-cells = <0>;\n"
		"\t\t#interrupt-cells = <1>;\n\t};\n\n");
	fprintf(f, "\tuart: serial@%llx {\n\t\tcompatible = \"ns16550a\";\n"
		"\t\treg = <0x0 0x%llx 0x0 0x%x>;\n\t\tclock-frequency = <%u>;\n"
		"\t\tinterrupt-parent = <&cpu_intc>;\n\t\tinterrupts = <%u>;\n\t};\n\n",
		GUEST_UART_GPA, GUEST_UART_GPA, GUEST_UART_SIZE, UART_CLOCK_HZ,
		GUEST_UART_IP);
	for (unsigned int i = 0; i < c->disks + c->nets; i++)   /* disks, then nets */
		fprintf(f, "\tvirtio@%llx {\n\t\tcompatible = \"virtio,mmio\";\n"
			"\t\treg = <0x0 0x%llx 0x0 0x%x>;\n"
			"\t\tinterrupt-parent = <&cpu_intc>;\n\t\tinterrupts = <%u>;\n\t};\n\n",
			(unsigned long long)vm_virtio_gpa(i), (unsigned long long)vm_virtio_gpa(i),
			VM_VIRTIO_STRIDE, VM_VIRTIO_IP);
	fprintf(f, "\thypervisor {\n\t\tcompatible = \"disco,hypervisor\";\n"
		"\t\tcount-frequency = <%u>;\n\t};\n};\n", MALTA_COUNT_HZ);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int main(int argc, char **argv)
{
	static struct vm_config_set set;
	size_t len;
	char *text;

	if (argc < 3) {
		fprintf(stderr, "usage: mkdts CONFIG OUTDIR [DIR...]\n");
		return 2;
	}
	text = read_file(argv[1], &len);
	if (!text) {
		fprintf(stderr, "mkdts: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	vm_config_parse(text, len, &set);
	for (unsigned int i = 0; i < set.count; i++) {
		const struct vm_config *c = &set.vm[i];
		long long initrd_size = -1;
		char path[512];
		FILE *f;

		if (!c->valid)
			continue;       /* the monitor reports it */
		if (c->initrd[0])       /* missing: the monitor says so */
			initrd_size = find_size(c->initrd, argv + 3, argc - 3);
		snprintf(path, sizeof(path), "%s/%s.dts", argv[2], c->name);
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "mkdts: %s: %s\n", path, strerror(errno));
			return 1;
		}
		write_dts(f, c, initrd_size);
		fclose(f);
	}
	free(text);
	return 0;
}
