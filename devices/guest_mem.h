/*
 * A VM's memory as its virtio devices reach it (a struct vq_mem over the
 * VM's pmap): reads of unbacked pages see zeros, writes back pages and
 * copy shared ones first (pmap_write), and anything outside the VM's RAM
 * fails whole, touching nothing.
 */
#ifndef DEVICES_GUEST_MEM_H
#define DEVICES_GUEST_MEM_H

#include "devices/virtqueue.h"

struct vm;

/* mem reaches vm's memory from now on (vm must outlive it). */
void guest_mem_init(struct vq_mem *mem, struct vm *vm);

#endif
