/*
 * Virtual machines built from the boot bundle (QEMU -initrd): a newc cpio
 * archive holding the configuration file "vms.conf" and the guest images it
 * names. See monitor/vm_config.h for the file format.
 */
#ifndef MONITOR_VM_H
#define MONITOR_VM_H

#include <stddef.h>
#include <stdint.h>
#include "mmu/pmap.h"
#include "monitor/vm_config.h"

#define VM_BUNDLE_CONFIG "vms.conf"

enum vm_state { VM_REJECTED, VM_LOADED };

struct vm {
	struct vm_config cfg;
	enum vm_state state;
	unsigned int node;      /* where its memory was asked for */
	struct pmap pmap;
	uint64_t entry;         /* guest-virtual entry point */
};

extern struct vm vms[VM_MAX];
extern unsigned int vm_count;

/*
 * Reads the bundle, checks every VM against the machine and loads the good
 * ones into their own memory. Each rejected VM gets one line naming it, the
 * configuration line and the problem; the others are unaffected. Returns the
 * number of VMs loaded.
 */
unsigned int vm_load_bundle(const void *bundle, size_t size);

#endif
