/*
 * The virtio-blk device model (see virtio_blk.h). Request layout and
 * status rules from virtio 1.2, 5.2.6; no framing is assumed (the header,
 * data and status may be split across descriptors any way), as
 * VIRTIO_F_VERSION_1 implies.
 */
#include "devices/virtio_blk.h"
#include "devices/le.h"
#include "monitor/string.h"

#define SEG_MAX (VIRTIO_BLK_MAX_SEGS - 2)       /* data segments: not header, status */
#define BOUNCE_SECTORS (VIRTIO_BLK_BOUNCE / BLK_SECTOR_SIZE)

/* A position in a run of segments, for copying bytes in order. */
struct cursor {
	const struct vq_seg *seg;
	unsigned int nsegs;
	uint32_t off;           /* into seg[0] */
};

/* One request as it is served. */
struct request {
	struct cursor in;       /* readable bytes: header, then OUT data */
	struct cursor out;      /* writable bytes: IN data (the status byte is apart) */
	uint32_t in_len, out_len;
	uint64_t status_gpa;
	uint32_t type;
	uint64_t sector;
};

static struct virtio_blk *blk_of(void *dev)
{
	return dev;
}

/* Moves len bytes between buf and the guest at cur (to_guest: into the
 * guest), advancing cur. False if the guest memory access failed. */
static bool cursor_copy(struct virtio_blk *blk, struct cursor *cur, uint8_t *buf, uint32_t len,
			bool to_guest)
{
	const struct vq_mem *mem = blk->mem;

	while (len) {
		uint32_t n = cur->seg->len - cur->off;
		uint64_t gpa = cur->seg->gpa + cur->off;
		bool ok;

		if (n > len)
			n = len;
		ok = to_guest ? mem->write(mem->ctx, gpa, buf, n) : mem->read(mem->ctx, gpa, buf, n);
		if (!ok)
			return false;
		buf += n;
		len -= n;
		cur->off += n;
		if (cur->off == cur->seg->len && cur->nsegs > 1) {
			cur->seg++;
			cur->nsegs--;
			cur->off = 0;
		}
	}
	return true;
}

/* The guest page the next bytes at cur go to, if they fill a whole
 * 4 KiB-aligned one inside the current buffer, else UINT64_MAX. */
static uint64_t whole_page_at(const struct cursor *cur)
{
	uint64_t gpa = cur->seg->gpa + cur->off;

	if ((gpa & (VIRTIO_BLK_SHARE_BYTES - 1)) || cur->seg->len - cur->off < VIRTIO_BLK_SHARE_BYTES)
		return UINT64_MAX;
	return gpa;
}

/* Moves cur past n bytes it did not copy (n inside the current buffer). */
static void cursor_skip(struct cursor *cur, uint32_t n)
{
	cur->off += n;
	if (cur->off == cur->seg->len && cur->nsegs > 1) {
		cur->seg++;
		cur->nsegs--;
		cur->off = 0;
	}
}

/*
 * Offers the read's next whole pages (up to VIRTIO_BLK_SHARE_RUN of the
 * `bytes` left from `sector`) to blk->share; returns the bit mask of those
 * it mapped (bit i: the i-th 4 KiB from the cursor on), in *run how many
 * were offered (0: the next 4 KiB is no whole page, copy it).
 */
static uint32_t share_run(struct virtio_blk *blk, const struct request *req, uint64_t sector,
			  uint32_t bytes, unsigned int *run)
{
	uint64_t gpa[VIRTIO_BLK_SHARE_RUN];
	struct cursor c = req->out;
	uint32_t shared = 0;
	unsigned int n = 0;

	if (sector % (VIRTIO_BLK_SHARE_BYTES / BLK_SECTOR_SIZE))
		bytes = 0;
	while (n < VIRTIO_BLK_SHARE_RUN && bytes >= VIRTIO_BLK_SHARE_BYTES &&
	       (gpa[n] = whole_page_at(&c)) != UINT64_MAX) {
		cursor_skip(&c, VIRTIO_BLK_SHARE_BYTES);
		bytes -= VIRTIO_BLK_SHARE_BYTES;
		n++;
	}
	*run = n;
	if (n)
		blk->share->pages(blk->share->ctx, sector, gpa, n, &shared);
	return shared & (n < 32 ? (1u << n) - 1 : ~0u);
}

/* The request's shape from its chain; false if it cannot carry a status
 * (fewer than 16 readable bytes, no writable byte). */
static bool frame(struct request *req, const struct vq_seg *segs, const struct vq_chain *chain)
{
	const struct vq_seg *last = &segs[chain->nsegs - 1];

	if (chain->readable_len < VIRTIO_BLK_HEADER_SIZE || chain->writable_len < 1)
		return false;
	req->in = (struct cursor){ segs, chain->nreadable, 0 };
	req->out = (struct cursor){ segs + chain->nreadable, chain->nsegs - chain->nreadable, 0 };
	req->in_len = chain->readable_len - VIRTIO_BLK_HEADER_SIZE;
	req->out_len = chain->writable_len - 1;
	req->status_gpa = last->gpa + last->len - 1;
	return true;
}

/* Whether count bytes from sector are whole sectors inside the disk. */
static bool range_ok(const struct blk_backend *disk, uint64_t sector, uint32_t bytes)
{
	uint64_t n = bytes / BLK_SECTOR_SIZE;

	return !(bytes % BLK_SECTOR_SIZE) && sector <= disk->sectors && n <= disk->sectors - sector;
}

/* Bytes left to move (a multiple of 512) from req->sector on, a bounce
 * buffer at a time. *memory_ok false: a guest buffer was not in RAM. */
static uint8_t transfer(struct virtio_blk *blk, struct request *req, uint32_t bytes,
			bool to_guest, bool *memory_ok)
{
	const struct blk_backend *disk = blk->disk;
	uint64_t sector = req->sector;

	uint32_t shared = 0;    /* bit 0: the next 4 KiB was mapped */
	unsigned int run = 0;   /* pages of the offered run not yet passed */

	while (bytes) {
		/* a page at a time when reads may be shared (offered a run at a time) */
		uint32_t most = to_guest && blk->share ? VIRTIO_BLK_SHARE_BYTES : VIRTIO_BLK_BOUNCE;
		uint32_t n = bytes < most ? bytes : most;
		uint32_t count = n / BLK_SECTOR_SIZE;
		bool mapped = false;

		if (to_guest && blk->share) {
			if (!run)
				shared = share_run(blk, req, sector, bytes, &run);
			if (run) {
				mapped = shared & 1;
				shared >>= 1;
				run--;
			}
		}
		if (mapped) {
			cursor_skip(&req->out, n);
			blk->count.shared_pages++;
			*memory_ok = true;
		} else if (to_guest) {
			if (!disk->read(disk->ctx, sector, blk->bounce, count))
				return VIRTIO_BLK_S_IOERR;
			*memory_ok = cursor_copy(blk, &req->out, blk->bounce, n, true);
		} else {
			*memory_ok = cursor_copy(blk, &req->in, blk->bounce, n, false);
			if (*memory_ok && !disk->write(disk->ctx, sector, blk->bounce, count))
				return VIRTIO_BLK_S_IOERR;
		}
		if (!*memory_ok)
			return VIRTIO_BLK_S_IOERR;
		sector += count;
		bytes -= n;
	}
	return VIRTIO_BLK_S_OK;
}

/* Whether a request may move bytes of data (else IOERR, counted). */
static bool size_ok(struct virtio_blk *blk, uint32_t bytes)
{
	if (bytes <= VIRTIO_BLK_MAX_DATA)
		return true;
	blk->count.too_large++;
	return false;
}

static uint8_t do_read(struct virtio_blk *blk, struct request *req, uint32_t *written,
		       bool *memory_ok)
{
	uint8_t status;

	blk->count.reads++;
	if (!size_ok(blk, req->out_len) || !range_ok(blk->disk, req->sector, req->out_len))
		return VIRTIO_BLK_S_IOERR;
	blk->moved += req->out_len;
	status = transfer(blk, req, req->out_len, true, memory_ok);
	if (status == VIRTIO_BLK_S_OK) {
		*written = req->out_len;
		blk->count.bytes_read += req->out_len;
	}
	return status;
}

static uint8_t do_write(struct virtio_blk *blk, struct request *req, bool *memory_ok)
{
	uint8_t status;

	blk->count.writes++;
	if (blk->disk->read_only || !size_ok(blk, req->in_len) ||
	    !range_ok(blk->disk, req->sector, req->in_len))
		return VIRTIO_BLK_S_IOERR;
	blk->moved += req->in_len;
	status = transfer(blk, req, req->in_len, false, memory_ok);
	if (status == VIRTIO_BLK_S_OK)
		blk->count.bytes_written += req->in_len;
	return status;
}

static uint8_t do_get_id(struct virtio_blk *blk, struct request *req, uint32_t *written,
			 bool *memory_ok)
{
	uint8_t id[BLK_ID_BYTES];
	uint32_t n = req->out_len < BLK_ID_BYTES ? req->out_len : BLK_ID_BYTES;

	blk->count.get_ids++;
	memcpy(id, blk->disk->id, BLK_ID_BYTES);
	*memory_ok = cursor_copy(blk, &req->out, id, n, true);
	*written = n;
	return VIRTIO_BLK_S_OK;
}

/* Serves a framed request: its status, and in *written the data bytes
 * put into the guest's buffers. */
static uint8_t serve(struct virtio_blk *blk, struct request *req, uint32_t *written,
		     bool *memory_ok)
{
	switch (req->type) {
	case VIRTIO_BLK_T_IN:
		return do_read(blk, req, written, memory_ok);
	case VIRTIO_BLK_T_OUT:
		return do_write(blk, req, memory_ok);
	case VIRTIO_BLK_T_FLUSH:
		blk->count.flushes++;
		return blk->disk->flush(blk->disk->ctx) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_GET_ID:
		return do_get_id(blk, req, written, memory_ok);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* One chain from the queue: served and pushed back, or the device failed
 * (false). */
static bool handle(struct virtio_blk *blk, struct virtqueue *vq, const struct vq_chain *chain)
{
	struct request req;
	uint8_t header[VIRTIO_BLK_HEADER_SIZE], status;
	uint32_t written = 0;
	bool memory_ok = true;
	enum vq_status s;

	blk->count.requests++;
	if (!frame(&req, blk->segs, chain)) {
		blk->count.malformed++;
		virtio_mmio_fail(&blk->mmio);
		return false;
	}
	if (!cursor_copy(blk, &req.in, header, sizeof(header), false)) {
		virtio_mmio_vq_failed(&blk->mmio, VQ_ERR_MEMORY);
		return false;
	}
	req.type = le32_get(header);
	req.sector = le64_get(header + 8);
	status = serve(blk, &req, &written, &memory_ok);
	if (!memory_ok ||
	    !blk->mem->write(blk->mem->ctx, req.status_gpa, &status, 1)) {
		virtio_mmio_vq_failed(&blk->mmio, VQ_ERR_MEMORY);
		return false;
	}
	blk->count.ioerr += status == VIRTIO_BLK_S_IOERR;
	blk->count.unsupp += status == VIRTIO_BLK_S_UNSUPP;
	s = vq_push(vq, chain->head, written + 1);
	if (s != VQ_OK) {
		virtio_mmio_vq_failed(&blk->mmio, s);
		return false;
	}
	return true;
}

/* One request virtio_mmio_serve took (virtio_mmio_serve_fn): enough once
 * the notify moved its budget. */
static enum virtio_served serve_request(void *dev, struct virtqueue *vq,
					const struct vq_chain *chain)
{
	struct virtio_blk *blk = blk_of(dev);

	if (!handle(blk, vq, chain))
		return VIRTIO_SERVE_FAILED;
	return blk->moved >= VIRTIO_BLK_NOTIFY_BUDGET ? VIRTIO_SERVED_ENOUGH : VIRTIO_SERVED_MORE;
}

/* The driver notified the request queue: serve what is there, up to the
 * budget (false: the guest repeats the notify for the rest). */
static bool blk_notify(void *dev, unsigned int queue)
{
	struct virtio_blk *blk = blk_of(dev);

	blk->moved = 0;
	return virtio_mmio_serve(&blk->mmio, queue, blk->segs, VIRTIO_BLK_MAX_SEGS,
				 serve_request, blk);
}

void virtio_blk_set_share(struct virtio_blk *blk, const struct virtio_blk_share *share)
{
	blk->share = share;
}

static uint64_t blk_features(void *dev)
{
	struct virtio_blk *blk = blk_of(dev);

	return 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX |
	       1ull << VIRTIO_BLK_F_FLUSH |
	       (uint64_t)blk->disk->read_only << VIRTIO_BLK_F_RO;
}

/* struct virtio_blk_config: le64 capacity at 0, le32 size_max at 8,
 * le32 seg_max at 12. */
static void blk_config_read(void *dev, uint32_t offset, uint8_t *buf, uint32_t len)
{
	struct virtio_blk *blk = blk_of(dev);
	uint8_t config[VIRTIO_BLK_CONFIG_SIZE] = { 0 };

	le64_put(config, blk->disk->sectors);
	le32_put(config + 8, VIRTIO_BLK_SIZE_MAX);
	le32_put(config + 12, SEG_MAX);
	memcpy(buf, config + offset, len);
}

static void blk_reset(void *dev)
{
	(void)dev;      /* requests are served synchronously: nothing in flight */
}

static const struct virtio_mmio_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.nqueues = 1,
	.queue_num_max = VIRTIO_BLK_QUEUE_MAX,
	.config_size = VIRTIO_BLK_CONFIG_SIZE,
	.features = blk_features,
	.config_read = blk_config_read,
	.config_write = NULL,
	.queue_notify = blk_notify,
	.reset = blk_reset,
};

void virtio_blk_init(struct virtio_blk *blk, const struct blk_backend *disk,
		     const struct vq_mem *mem)
{
	memset(&blk->count, 0, sizeof(blk->count));
	blk->disk = disk;
	blk->mem = mem;
	blk->share = NULL;
	blk->moved = 0;
	virtio_mmio_init(&blk->mmio, &blk_ops, blk, mem);
}
