/*
 * Real ASIDs handed out per (vCPU, guest ASID), recycled by generation
 * (see asid.h).
 */
#include "mmu/asid.h"

void asid_space_init(struct asid_space *s)
{
	s->generation = 1;
	s->next = ASID_REAL_FIRST;
	s->generations = 0;
	s->handed_out = 0;
}

static void clear(struct asid_map *m, uint64_t generation)
{
	m->generation = generation;
	for (unsigned int g = 0; g < ASID_GUEST_COUNT; g++)
		m->real[g] = ASID_NONE;
}

void asid_map_forget(struct asid_map *m)
{
	clear(m, 0);
}

unsigned int asid_get(struct asid_space *s, struct asid_map *m, unsigned int guest,
		      bool *new_generation)
{
	unsigned int real = asid_lookup(s, m, guest);

	*new_generation = false;
	if (real != ASID_NONE)
		return real;
	if (s->next > ASID_REAL_LAST) {
		s->generation++;
		s->next = ASID_REAL_FIRST;
		s->generations++;
		*new_generation = true;
	}
	if (m->generation != s->generation)
		clear(m, s->generation);        /* stale as a whole */
	real = s->next++;
	s->handed_out++;
	m->real[guest & (ASID_GUEST_COUNT - 1)] = (uint8_t)real;
	return real;
}
