/*
 * The NUMA engine's per-VM bookkeeping and rules (see engine.h).
 */
#include "monitor/format.h"
#include "monitor/string.h"
#include "numa/engine.h"

const struct numa_param numa_settings[NUMA_SETTINGS] = {
	[NUMA_TRIGGER] = { "trigger", 32, 0, 65535,
			   "touches from one node in a period that make a page hot (0: no counting)" },
	[NUMA_RESET_MS] = { "reset_ms", 100, 10, 60000, "the counting period, ms" },
	[NUMA_MOVES_PER_S] = { "moves_per_s", 2000, 0, 1000000,
			       "migrations and replications allowed per second" },
	[NUMA_BOUNCE] = { "bounce", 4, 1, 255, "moves of one page before it is frozen" },
	[NUMA_FREEZE_MS] = { "freeze_ms", 1000, 0, 600000, "how long a frozen page is left alone" },
	[NUMA_SAMPLE] = { "sample", 0, 0, 65536,
			  "pages whose translations are taken away each period (hinting faults)" },
	[NUMA_CENSUS] = { "census", 0, 0, 1,
			  "1: count each period's touched private pages and the local ones (a scan)" },
};

size_t numa_vm_table_bytes(uint32_t npages, unsigned int nnodes)
{
	return (size_t)npages * (nnodes * sizeof(uint16_t) + 2 + sizeof(uint32_t)) +
	       (npages + 7) / 8;
}

static void defaults(uint32_t *v, const struct numa_param *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		v[i] = p[i].def;
}

void numa_vm_init(struct numa_vm *e, const struct numa_policy *p, void *tables,
		  uint32_t npages, unsigned int nnodes)
{
	memset(e, 0, sizeof(*e));
	e->nnodes = nnodes;
	e->npages = npages;
	defaults(e->setting, numa_settings, NUMA_SETTINGS);
	if (tables) {
		uint8_t *t = tables;

		e->frozen_until = (uint32_t *)t;        /* the 4-byte ones first */
		t += (size_t)npages * sizeof(uint32_t);
		e->touches = (uint16_t *)t;
		t += (size_t)npages * nnodes * sizeof(uint16_t);
		e->writes = t;
		e->moves = t + npages;
		e->hinted = t + 2 * (size_t)npages;
	}
	numa_vm_set_policy(e, p);
}

static uint32_t periods_of(const struct numa_vm *e, uint32_t ms)
{
	uint32_t reset = e->setting[NUMA_RESET_MS];

	return (ms + reset - 1) / reset;
}

/* The moves one period allows: moves_per_s over the periods of a second,
 * at least 1 when moves are allowed at all. */
static uint32_t period_budget(const struct numa_vm *e)
{
	uint64_t b = (uint64_t)e->setting[NUMA_MOVES_PER_S] * e->setting[NUMA_RESET_MS] / 1000;

	return e->setting[NUMA_MOVES_PER_S] && !b ? 1 : (uint32_t)b;
}

static void clear_counts(struct numa_vm *e)
{
	if (!e->touches)
		return;
	memset(e->touches, 0, (size_t)e->npages * e->nnodes * sizeof(uint16_t));
	memset(e->writes, 0, e->npages);
}

void numa_vm_set_policy(struct numa_vm *e, const struct numa_policy *p)
{
	e->policy = p;
	memset(e->param, 0, sizeof(e->param));
	defaults(e->param, p->params, p->nparams);
	clear_counts(e);
	if (e->frozen_until)
		memset(e->frozen_until, 0, (size_t)e->npages * sizeof(uint32_t));
	e->budget = period_budget(e);
}

int numa_vm_set(struct numa_vm *e, const char *key, uint32_t value, char *err, size_t err_size)
{
	const struct numa_param *p = 0;
	uint32_t *slot = 0;
	int i = numa_policy_param(e->policy, key);

	if (i >= 0) {
		p = &e->policy->params[i];
		slot = &e->param[i];
	} else {
		for (unsigned int s = 0; s < NUMA_SETTINGS; s++)
			if (!strcmp(numa_settings[s].key, key)) {
				p = &numa_settings[s];
				slot = &e->setting[s];
			}
	}
	if (!p) {
		fmt_snprintf(err, err_size, "numa.%s: no such parameter (policy %s)", key,
			     e->policy->name);
		return -1;
	}
	if (value < p->min || value > p->max) {
		fmt_snprintf(err, err_size, "numa.%s=%u: want %u to %u", key, (unsigned int)value,
			     (unsigned int)p->min, (unsigned int)p->max);
		return -1;
	}
	*slot = value;
	if (slot == &e->setting[NUMA_MOVES_PER_S] || slot == &e->setting[NUMA_RESET_MS])
		e->budget = period_budget(e);
	return 0;
}

struct numa_vm_view numa_vm_view(const struct numa_vm *e)
{
	struct numa_vm_view v = { e->param, e->nnodes, e->vcpu_nodes, e->policy_state };

	return v;
}

bool numa_touch(struct numa_vm *e, uint32_t gpage, unsigned int node, bool write)
{
	uint32_t trigger = e->setting[NUMA_TRIGGER], weight = 1, was;
	uint8_t bit = (uint8_t)(1u << (gpage & 7));
	uint16_t *t;

	if (!numa_vm_counting(e) || gpage >= e->npages || node >= e->nnodes)
		return false;
	if (write && e->writes[gpage] != UINT8_MAX)
		e->writes[gpage]++;
	if (e->hinted[gpage / 8] & bit) {
		e->hinted[gpage / 8] &= (uint8_t)~bit;
		e->c.hint_faults++;
		weight = trigger;
	}
	t = &e->touches[(size_t)node * e->npages + gpage];
	was = *t;
	*t = (uint16_t)(was + weight < UINT16_MAX ? was + weight : UINT16_MAX);
	return was < trigger && *t >= trigger;
}

void numa_hint(struct numa_vm *e, uint32_t gpage)
{
	if (e->hinted && gpage < e->npages) {
		e->hinted[gpage / 8] |= (uint8_t)(1u << (gpage & 7));
		e->c.hints++;
	}
}

bool numa_frozen(const struct numa_vm *e, uint32_t gpage)
{
	return e->frozen_until && gpage < e->npages && e->frozen_until[gpage] > e->period;
}

static void freeze(struct numa_vm *e, uint32_t gpage)
{
	e->frozen_until[gpage] = e->period + 1 + periods_of(e, e->setting[NUMA_FREEZE_MS]);
	e->c.freezes++;
}

/* The page as the policy sees it: this period's counts. */
static struct numa_page page_of(const struct numa_vm *e, uint32_t gpage, unsigned int hot_node,
				const struct numa_facts *f, uint16_t *touches)
{
	struct numa_page p = { gpage, e->nnodes, touches, e->writes[gpage], f->home, hot_node,
			       f->shared, f->replicated, e->moves[gpage] };

	for (unsigned int n = 0; n < e->nnodes; n++)
		touches[n] = e->touches[(size_t)n * e->npages + gpage];
	return p;
}

static const struct numa_action keep = { NUMA_KEEP, 0 };

struct numa_action numa_decide(struct numa_vm *e, uint32_t gpage, unsigned int hot_node,
			       const struct numa_facts *f)
{
	uint16_t touches[NUMA_MAX_NODES];
	struct numa_vm_view view = numa_vm_view(e);
	struct numa_page p;
	struct numa_action a;

	if (!numa_vm_counting(e) || gpage >= e->npages || !f->backed)
		return keep;
	e->c.hot++;
	if (numa_frozen(e, gpage)) {
		e->c.frozen_skips++;
		return keep;
	}
	if (!e->policy->page_hot)
		return keep;
	p = page_of(e, gpage, hot_node, f, touches);
	a = e->policy->page_hot(&view, &p);
	switch (a.what) {
	case NUMA_KEEP:
		return keep;
	case NUMA_FREEZE:
		freeze(e, gpage);
		return keep;
	case NUMA_MIGRATE:
		if (f->shared || f->replicated || a.node >= e->nnodes || a.node == f->home)
			return keep;
		break;
	case NUMA_REPLICATE:
		if (f->replicated || e->nnodes < 2)
			return keep;
		break;
	}
	if (e->moves[gpage] >= e->setting[NUMA_BOUNCE]) {
		freeze(e, gpage);
		e->moves[gpage] = 0;    /* a new allowance once it thaws */
		return keep;
	}
	if (!e->budget) {
		e->c.rate_limited++;
		return keep;
	}
	e->budget--;
	return a;
}

void numa_done(struct numa_vm *e, uint32_t gpage, struct numa_action a, bool ok)
{
	if (gpage >= e->npages || a.what == NUMA_KEEP || a.what == NUMA_FREEZE)
		return;
	if (!ok) {
		e->c.failed++;
		return;
	}
	if (e->moves[gpage] != UINT8_MAX)
		e->moves[gpage]++;
	if (a.what == NUMA_MIGRATE)
		e->c.migrations++;
	else
		e->c.replications++;
}

void numa_replica_written(struct numa_vm *e, uint32_t gpage, const struct numa_facts *f)
{
	uint16_t touches[NUMA_MAX_NODES];
	struct numa_vm_view view = numa_vm_view(e);
	struct numa_page p;

	if (f->shared)
		e->c.shared_collapses++;
	else
		e->c.collapses++;
	if (!e->touches || gpage >= e->npages)
		return;
	p = page_of(e, gpage, 0, f, touches);
	if (e->policy->replica_written && e->policy->replica_written(&view, &p))
		freeze(e, gpage);
}

void numa_period_end(struct numa_vm *e)
{
	struct numa_vm_view view = numa_vm_view(e);

	if (e->policy->period_end)
		e->policy->period_end(&view);
	clear_counts(e);
	e->period++;
	e->c.periods++;
	e->budget = period_budget(e);
}
