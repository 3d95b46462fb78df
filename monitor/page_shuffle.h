/*
 * The page shuffle: a self-test of the memory layer's page moves
 * (mmu/page_move.h) on running guests. With `shuffle=N` on the monitor's
 * command line, a CPU running a vCPU moves the next N pieces of that
 * vCPU's VM to new machine pages, in one batch (one shoot-down), every
 * T of its timer ticks (`shuffle_ticks=T`, default 10), walking the VM's memory from the
 * bottom, round after round: even rounds move whole pmap blocks
 * (up to a 256 KiB demand chunk at once), odd rounds single 4 KiB pages
 * (which splits the blocks for good). A guest must not notice: the tests
 * run the unit guest and the Linux system-call suite under it and compare
 * their lines with the bare machine's. The VM's exit report gives the
 * moves, the rounds and what they cost.
 */
#ifndef MONITOR_PAGE_SHUFFLE_H
#define MONITOR_PAGE_SHUFFLE_H

#include <stdint.h>

struct vm;

#define PAGE_SHUFFLE_TICKS 10    /* shuffle_ticks' default */

/* N from shuffle=N: pieces a batch moves (at most PAGE_MOVE_BATCH); 0
 * turns it off. T from shuffle_ticks=T (1 to 1000): ticks between a CPU's
 * batches. */
extern unsigned int page_shuffle_pieces, page_shuffle_ticks;

/* Reads shuffle= from the command line (a malformed value says so). */
void page_shuffle_setup(void);

/*
 * On a CPU about to return to one of vm's vCPUs (no lock held), at most
 * every page_shuffle_ticks: moves the next batch of vm. Several CPUs of one VM take turns (the one
 * that finds another at it skips).
 */
void page_shuffle_tick(struct vm *vm);

#endif
