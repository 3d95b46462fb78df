/*
 * A VM's memory for its devices (see guest_mem.h).
 */
#include "devices/guest_mem.h"
#include "monitor/vm.h"

static bool read_vm(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	struct vm *vm = ctx;

	return pmap_read(&vm->pmap, gpa, buf, len) == 0;
}

static bool write_vm(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	struct vm *vm = ctx;

	return pmap_write(&vm->pmap, gpa, buf, len) == 0;
}

void guest_mem_init(struct vq_mem *mem, struct vm *vm)
{
	mem->ctx = vm;
	mem->read = read_vm;
	mem->write = write_vm;
}
