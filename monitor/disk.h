/*
 * The monitor's disks at boot: the real disk (devices/realdisk.h) and the
 * disk store on it (devices/disk_store.h), listed with a checksum of each
 * image's start; disk_stamp=NAME writes a known pattern into a persistent
 * image (the persistence test); test=disk measures reads.
 */
#ifndef MONITOR_DISK_H
#define MONITOR_DISK_H

#include "devices/disk_store.h"

#define DISK_SUM_SECTORS 64     /* the checksum covers at most the first 32 KiB */
#define DISK_STAMP_SECTORS 8    /* disk_stamp= writes the first 4 KiB */

/* The store on the real disk; count 0 without a disk or a good store. */
extern struct disk_store monitor_disks;

/* After realdisk_init: opens the store, prints it, serves disk_stamp=. */
void monitor_disk_setup(void);

/* test=disk: timed reads of the real disk (selftest.c); 0 if they pass. */
int disk_selftest(void);

#endif
