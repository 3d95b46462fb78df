/*
 * The replica table (see replica.h).
 */
#include "arch/atomic.h"
#include "mmu/replica.h"

static unsigned int home_slot(uint32_t first)
{
	return (first * 2654435761u) >> (32 - REPLICA_SLOTS_ORDER);
}

struct replica *replica_find(struct replica_table *t, uint32_t first)
{
	unsigned int i = home_slot(first);

	for (unsigned int n = 0; n < REPLICA_SLOTS; n++, i = (i + 1) & (REPLICA_SLOTS - 1)) {
		struct replica *e = &t->slot[i];

		if (e->state == REPLICA_FREE)
			return 0;
		if (e->state == REPLICA_LIVE && e->first == first)
			return e;
	}
	return 0;
}

uint32_t replica_frame(struct replica_table *t, uint32_t first, uint32_t page,
		       unsigned int node)
{
	struct replica *e = replica_find(t, first);
	uint32_t frame;

	if (!e || node >= NUMA_MAX_NODES)
		return REPLICA_NONE;
	smp_mb();                       /* the key before the frame */
	frame = e->frame[node];
	smp_mb();
	/* the slot was reused meanwhile: the pmap's own frame will do */
	if (frame == REPLICA_NONE || e->state != REPLICA_LIVE || e->first != first)
		return REPLICA_NONE;
	return frame + (page - first);
}

struct replica *replica_add(struct replica_table *t, uint32_t first, unsigned int order)
{
	unsigned int i = home_slot(first);

	if (t->live + t->dead >= REPLICA_SLOTS - REPLICA_SLOTS / 8) {
		if (t->live >= REPLICA_SLOTS / 2)
			return 0;
		/* mostly tombstones: a dead slot may be taken again (its
		 * readers ended with the shoot-down that killed it) */
	}
	for (unsigned int n = 0; n < REPLICA_SLOTS; n++, i = (i + 1) & (REPLICA_SLOTS - 1)) {
		struct replica *e = &t->slot[i];

		if (e->state == REPLICA_LIVE)
			continue;
		if (e->state == REPLICA_DEAD)
			t->dead--;
		e->state = REPLICA_FREE;
		smp_mb();
		e->first = first;
		e->order = (uint8_t)order;
		e->nodes = 0;
		for (unsigned int k = 0; k < NUMA_MAX_NODES; k++)
			e->frame[k] = REPLICA_NONE;
		smp_mb();
		e->state = REPLICA_LIVE;
		smp_mb();
		t->live++;
		return e;
	}
	return 0;
}

void replica_kill(struct replica_table *t, struct replica *e)
{
	e->state = REPLICA_DEAD;
	smp_mb();
	t->live--;
	t->dead++;
}
