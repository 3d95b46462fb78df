/*
 * The platform layer of the unit and smp guests: the only code that differs
 * between the bare machine (platform-bare.c) and a disco guest
 * (platform-guest.c). Everything else is shared and must reach memory only
 * through these names (the guest build has no kseg0/kseg1/xkphys).
 */
#ifndef UNIT_PLATFORM_H
#define UNIT_PLATFORM_H

/* Physical address of an address in the image (or in the cached window). */
unsigned long plat_virt_to_phys(const void *va);

/* The cached window's address for physical address pa. */
void *plat_phys_to_virt(unsigned long pa);

/* The uncached window's address for physical address pa. */
void *plat_phys_to_uncached(unsigned long pa);

/*
 * The value to program into EBase for a 4 KiB vector page at physical pa:
 * 0xffffffff80000000 | pa in both builds (disco enters a guest's vectors at
 * its cached window + (EBase & 0x3ffff000)).
 */
unsigned long plat_ebase(unsigned long pa);

/*
 * A disco guest: registers this CPU's paravirtual shared area (hypercall
 * 7, docs/guest-abi.md) and returns its address (cached window). The bare
 * machine has none: 0.
 */
unsigned long plat_shared_area(void);

/* Write len bytes of text, at most one line, to the console. */
void plat_console_write(const char *s, unsigned long len);

/* End the machine (bare) or the VM (guest) with an exit status. */
void plat_exit(int status) __attribute__((noreturn));

#endif
