/*
 * The VMs' virtual subnet in the monitor (see vnet.h).
 */
#include "devices/vnet.h"
#include "arch/cpu.h"
#include "arch/fast.h"
#include "devices/net_switch.h"
#include "mmu/machmem.h"
#include "monitor/console.h"
#include "monitor/spinlock.h"
#include "monitor/string.h"
#include "monitor/vm.h"
#include "monitor/xcall.h"
#include "vcpu/vcpu.h"

#define VNET_ORDER pa_order_for_bytes(sizeof(struct vnet))

/* All under subnet_lock. */
static spinlock_t subnet_lock = SPINLOCK_INIT;
static struct net_switch subnet;        /* zeroed: net_switch_init's empty switch */
static uint64_t dead_drops;             /* frames offered to ended VMs' ports */

unsigned long vnet_lock(void)
{
	unsigned long flags = arch_irq_save();

	/* serve cross-calls while waiting: the holder may be shooting down
	 * a page of a VM that runs here (see vnet.h) */
	while (!spin_trylock(&subnet_lock)) {
		xcall_poll();
		arch_cpu_relax();
	}
	return flags;
}

void vnet_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&subnet_lock, flags);
}

/* The receiving VM's vCPUs look at their interrupt lines at their next
 * trap (a waiting one at its CPU's next tick). */
static void kick(struct vnet *n)
{
	struct vm *vm = n->vm;
	unsigned int here = arch_cpu_id();

	for (unsigned int id = 0; id < vm->cfg.vcpus; id++) {
		struct vcpu *t = vm->vcpu[id];

		if (t && t->state != VCPU_STOPPED && t->cpu != here) {
			arch_fast_kick(t->cpu);
			n->kicks++;
		}
	}
}

/* The switch's deliver for a live port. */
static enum net_rx_result deliver(void *ctx, const struct net_frame *f)
{
	struct vnet *n = ctx;
	enum net_rx_result r = virtio_net_deliver(&n->net, f);
	uint32_t bit = 1u << n->slot;

	if (virtio_mmio_irq(&n->net.mmio) &&
	    !(__atomic_fetch_or(&n->vm->virtio_irq, bit, __ATOMIC_SEQ_CST) & bit))
		kick(n);
	return r;
}

/* ... and for the port of a VM that ended. */
static enum net_rx_result deliver_dead(void *ctx, const struct net_frame *f)
{
	(void)ctx;
	(void)f;
	dead_drops++;
	return NET_RX_NOT_READY;
}

/* Page remapping is not done: every page is copied (vnet.h). */
static bool remap_refuse(void *ctx, const void *src_vm, uint64_t src_gpa, uint64_t dst_gpa)
{
	(void)ctx;
	(void)src_vm;
	(void)src_gpa;
	(void)dst_gpa;
	return false;
}

static int find_port(const uint8_t *mac)
{
	for (unsigned int p = 0; p < subnet.nports; p++)
		if (net_mac_equal(subnet.port[p].mac, mac))
			return (int)p;
	return -1;
}

/* Why interface c cannot join the subnet now (a message), or NULL. */
static const char *refuse(const struct vm_net_config *c, const struct vm **other, int *port)
{
	*port = find_port(c->mac);
	if (*port >= 0 && subnet.port[*port].ctx) {
		*other = ((const struct vnet *)subnet.port[*port].ctx)->vm;
		return "MAC";
	}
	for (unsigned int p = 0; p < subnet.nports; p++) {
		const struct vnet *o = subnet.port[p].ctx;

		if (o && o->cfg->ip == c->ip) {
			*other = o->vm;
			return "address";
		}
	}
	if (*port < 0 && subnet.nports == NET_SWITCH_MAX_PORTS)
		return "port";
	return NULL;
}

static int attach(struct vm *vm, unsigned int i)
{
	const struct vm_net_config *c = &vm->cfg.net[i];
	struct virtio_net_params params;
	struct virtio_net_remap remap;
	struct net_port uplink;
	const struct vm *other = NULL;
	const char *why;
	unsigned long flags;
	struct vnet *n;
	int port;

	n = mem_alloc_pages(VNET_ORDER, vm->node);
	if (!n) {
		vm_config_reject(&vm->cfg, c->line, "net: no memory for the device");
		return -1;
	}
	memset(n, 0, sizeof(*n));
	n->cfg = c;
	n->vm = vm;
	n->slot = vm_net_slot(&vm->cfg, i);
	guest_mem_init(&n->mem, vm);
	memcpy(params.mac, c->mac, ETH_ALEN);
	params.mtu = VNET_MTU;
	params.vm = vm;
	remap.ctx = n;
	remap.remap_page = remap_refuse;

	flags = vnet_lock();
	why = refuse(c, &other, &port);
	if (why) {
		vnet_unlock(flags);
		mem_free_pages(n, VNET_ORDER);
		if (why[0] == 'M')
			vm_config_reject(&vm->cfg, c->line,
					 "net: MAC %02x:%02x:%02x:%02x:%02x:%02x is vm %s's",
					 c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4],
					 c->mac[5], other->cfg.name);
		else if (why[0] == 'a')
			vm_config_reject(&vm->cfg, c->line, "net: address %u.%u.%u.%u is vm %s's",
					 c->ip >> 24, (c->ip >> 16) & 255, (c->ip >> 8) & 255,
					 c->ip & 255, other->cfg.name);
		else
			vm_config_reject(&vm->cfg, c->line, "net: the subnet's %d ports are taken",
					 NET_SWITCH_MAX_PORTS);
		return -1;
	}
	if (port >= 0) {        /* an ended VM's port: ours again */
		memset(&subnet.port[port].count, 0, sizeof(subnet.port[port].count));
		subnet.port[port].deliver = deliver;
		subnet.port[port].ctx = n;
	} else {
		port = net_switch_add_port(&subnet, c->mac, deliver, n);
	}
	n->port = (unsigned int)port;
	uplink = net_switch_uplink(&subnet, n->port);
	virtio_net_init(&n->net, &params, &n->mem, &uplink, &remap);   /* params checked */
	vm->net[i] = n;
	vm->virtio[n->slot] = &n->net.mmio;
	vm->virtio_net_slots |= 1u << n->slot;
	vnet_unlock(flags);
	return 0;
}

int vnet_attach_all(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->cfg.nets; i++)
		if (attach(vm, i)) {
			vnet_release_all(vm);
			return -1;
		}
	return 0;
}

void vnet_release_all(struct vm *vm)
{
	struct vnet *gone[VM_MAX_NETS] = { 0 };
	unsigned long flags = vnet_lock();

	for (unsigned int i = 0; i < VM_MAX_NETS; i++) {
		struct vnet *n = vm->net[i];

		if (!n)
			continue;
		subnet.port[n->port].deliver = deliver_dead;
		subnet.port[n->port].ctx = NULL;
		vm->virtio[n->slot] = 0;
		vm->virtio_net_slots &= ~(1u << n->slot);
		__atomic_fetch_and(&vm->virtio_irq, ~(1u << n->slot), __ATOMIC_SEQ_CST);
		vm->net[i] = 0;
		gone[i] = n;
	}
	vnet_unlock(flags);
	for (unsigned int i = 0; i < VM_MAX_NETS; i++)
		if (gone[i])
			mem_free_pages(gone[i], VNET_ORDER);
}

void vnet_report(const struct vm *vm)
{
	for (unsigned int i = 0; i < VM_MAX_NETS; i++) {
		const struct vnet *n = vm->net[i];
		const struct virtio_net_counters *c;
		const struct net_switch_port_counters *s;
		const struct virtio_mmio_counters *t;

		if (!n)
			continue;
		c = &n->net.count;
		s = &subnet.port[n->port].count;
		t = &n->net.mmio.count;
		con_printf("disco: vm %s: net eth%u (%02x:%02x:%02x:%02x:%02x:%02x): tx %lu packets (%lu bytes), rx %lu packets (%lu bytes), %lu CPU kicks\n",
			   vm->cfg.name, i, n->cfg->mac[0], n->cfg->mac[1], n->cfg->mac[2],
			   n->cfg->mac[3], n->cfg->mac[4], n->cfg->mac[5],
			   (unsigned long)c->tx_packets, (unsigned long)c->tx_bytes,
			   (unsigned long)c->rx_packets, (unsigned long)c->rx_bytes,
			   (unsigned long)n->kicks);
		con_printf("disco: vm %s: net eth%u: dropped: tx %lu length, %lu header, %lu link down, %lu spoofed, %lu unknown destination, %lu to itself, %lu runt; rx %lu not ready, %lu no buffer, %lu too long; %lu malformed, %lu device errors, %lu bad accesses\n",
			   vm->cfg.name, i, (unsigned long)c->tx_dropped_length,
			   (unsigned long)c->tx_dropped_header, (unsigned long)c->tx_dropped_link_down,
			   (unsigned long)s->dropped_spoofed, (unsigned long)s->dropped_unknown,
			   (unsigned long)s->dropped_to_self, (unsigned long)s->dropped_runt,
			   (unsigned long)c->rx_dropped_not_ready, (unsigned long)c->rx_dropped_no_buffer,
			   (unsigned long)c->rx_dropped_too_long, (unsigned long)c->malformed,
			   (unsigned long)t->device_errors, (unsigned long)t->bad_access);
		con_printf("disco: vm %s: net eth%u: remap: %lu pages remapped, %lu refused, %lu bytes copied; subnet: %lu frames to ended VMs dropped\n",
			   vm->cfg.name, i, (unsigned long)c->rx_remapped_pages,
			   (unsigned long)c->rx_remap_refused, (unsigned long)c->rx_copied_bytes,
			   (unsigned long)dead_drops);
	}
}
