/*
 * The memmap's records and pool (see memmap.h).
 */
#include "mmu/memmap.h"
#include "monitor/string.h"

#define RECORDS_PER_PAGE (4096 / sizeof(struct memmap_user))

/* Pool index i (1..) as a record; index 0 is never used, so that 0 can
 * mean "none". */
static struct memmap_user *record(struct memmap *mm, uint32_t i)
{
	return &mm->pool[i / RECORDS_PER_PAGE][i % RECORDS_PER_PAGE];
}

/* Adds a page of records to the free list; false if none can be had. */
static bool grow(struct memmap *mm)
{
	unsigned int p = mm->pool_pages;
	struct memmap_user *page;

	if (p == MEMMAP_POOL_PAGES || !mm->get_page || !(page = mm->get_page()))
		return false;
	mm->pool[p] = page;
	mm->pool_pages = p + 1;
	for (unsigned int i = RECORDS_PER_PAGE; i-- > 0;) {
		uint32_t index = (uint32_t)(p * RECORDS_PER_PAGE + i);

		if (index == MEMMAP_NO_MORE)
			continue;
		page[i].vm = MEMMAP_NO_VM;
		page[i].next = mm->free;
		mm->free = index;
	}
	return true;
}

static uint32_t take_record(struct memmap *mm)
{
	uint32_t i;

	if (!mm->free && !grow(mm))
		return MEMMAP_NO_MORE;
	i = mm->free;
	mm->free = record(mm, i)->next;
	mm->extra_users++;
	return i;
}

static void give_record(struct memmap *mm, uint32_t i)
{
	struct memmap_user *r = record(mm, i);

	r->vm = MEMMAP_NO_VM;
	r->next = mm->free;
	mm->free = i;
	mm->extra_users--;
}

void memmap_init(struct memmap *mm, struct memmap_user *table, uint32_t nframes,
		 memmap_page_fn get_page)
{
	memset(mm, 0, sizeof(*mm));
	mm->frame = table;
	mm->nframes = nframes;
	mm->get_page = get_page;
	memset(table, 0, memmap_table_bytes(nframes));
}

/* Adds one user to frame f (in the map); false if the pool is dry. */
static bool add_one(struct memmap *mm, uint32_t f, uint16_t vm, uint32_t gpage)
{
	struct memmap_user *head = &mm->frame[f];
	uint32_t i;

	if (head->vm == MEMMAP_NO_VM) {
		head->vm = vm;
		head->gpage = gpage;
		return true;
	}
	if ((i = take_record(mm)) == MEMMAP_NO_MORE)
		return false;
	record(mm, i)->vm = vm;
	record(mm, i)->gpage = gpage;
	record(mm, i)->next = head->next;
	head->next = i;
	return true;
}

/* Removes one user from frame f; the head's place is taken by the next. */
static void remove_one(struct memmap *mm, uint32_t f, uint16_t vm, uint32_t gpage)
{
	struct memmap_user *head = &mm->frame[f], *prev = head;

	if (head->vm == vm && head->gpage == gpage) {
		uint32_t next = head->next;

		if (next == MEMMAP_NO_MORE) {
			head->vm = MEMMAP_NO_VM;
			return;
		}
		*head = *record(mm, next);
		give_record(mm, next);
		return;
	}
	for (uint32_t i = head->next; i != MEMMAP_NO_MORE; prev = record(mm, i), i = prev->next) {
		struct memmap_user *r = record(mm, i);

		if (r->vm == vm && r->gpage == gpage) {
			prev->next = r->next;
			give_record(mm, i);
			return;
		}
	}
}

static bool in_map(const struct memmap *mm, uint32_t frame, uint32_t count)
{
	return frame < mm->nframes && count <= mm->nframes - frame;
}

bool memmap_add(struct memmap *mm, uint32_t frame, uint32_t count, uint16_t vm,
		uint32_t gpage)
{
	unsigned long flags;
	uint32_t added = 0;

	if (!in_map(mm, frame, count) || vm == MEMMAP_NO_VM || vm > MEMMAP_VM_MAX)
		return false;
	flags = spin_lock_irqsave(&mm->lock);
	while (added < count && add_one(mm, frame + added, vm, gpage + added))
		added++;
	if (added < count)              /* a dry pool: undo */
		for (uint32_t i = 0; i < added; i++)
			remove_one(mm, frame + i, vm, gpage + i);
	spin_unlock_irqrestore(&mm->lock, flags);
	return added == count;
}

void memmap_remove(struct memmap *mm, uint32_t frame, uint32_t count, uint16_t vm,
		   uint32_t gpage)
{
	unsigned long flags;

	if (!in_map(mm, frame, count))
		return;
	flags = spin_lock_irqsave(&mm->lock);
	for (uint32_t i = 0; i < count; i++)
		remove_one(mm, frame + i, vm, gpage + i);
	spin_unlock_irqrestore(&mm->lock, flags);
}

unsigned int memmap_users(struct memmap *mm, uint32_t frame, struct memmap_user *out,
			  unsigned int max)
{
	unsigned int n = 0;
	unsigned long flags;
	const struct memmap_user *u;

	if (!in_map(mm, frame, 1))
		return 0;
	flags = spin_lock_irqsave(&mm->lock);
	u = &mm->frame[frame];
	if (u->vm != MEMMAP_NO_VM) {
		for (;;) {
			if (n < max)
				out[n] = *u;
			n++;
			if (u->next == MEMMAP_NO_MORE)
				break;
			u = record(mm, u->next);
		}
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return n;
}

uint32_t memmap_gpage_of(struct memmap *mm, uint32_t frame, uint16_t vm)
{
	uint32_t gpage = UINT32_MAX;
	unsigned long flags;
	const struct memmap_user *u;

	if (!in_map(mm, frame, 1))
		return UINT32_MAX;
	flags = spin_lock_irqsave(&mm->lock);
	for (u = &mm->frame[frame]; u->vm != MEMMAP_NO_VM;) {
		if (u->vm == vm) {
			gpage = u->gpage;
			break;
		}
		if (u->next == MEMMAP_NO_MORE)
			break;
		u = record(mm, u->next);
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return gpage;
}
