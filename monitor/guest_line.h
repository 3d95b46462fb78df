/*
 * A guest's console output made into the lines the monitor prints as
 * "[name] text". Every byte a guest prints that is not printable ASCII is
 * shown escaped, so a guest's line can neither start a line of its own nor
 * move the cursor back over "[name] " and repaint it as a monitor line:
 *
 *   0x20..0x7e      as is, but the backslash, which is shown as \\
 *   tab             as is (it only moves the cursor right)
 *   newline         ends the line; a CR directly before it is dropped (CRLF)
 *   CR              \r (any other CR)
 *   ESC, backspace  \e, \b
 *   any other byte  \xNN (lowercase hex): other control bytes, DEL, and
 *                   0x80..0xff (UTF-8 is shown byte by byte)
 *
 * A line holds at most GUEST_LINE_MAX characters after escaping; a longer
 * one is printed in pieces, never splitting one byte's escaped form.
 * Pure C: unit-tested on the host.
 */
#ifndef MONITOR_GUEST_LINE_H
#define MONITOR_GUEST_LINE_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_LINE_MAX    1023  /* characters of one printed line (piece) */
#define GUEST_ESCAPE_MAX  4     /* the longest form of one byte: \xNN */

struct guest_line {
	char text[GUEST_LINE_MAX + 1];  /* escaped; NUL-terminated when emitted */
	unsigned int len;
	bool cr;                /* a CR not yet shown: dropped if a newline follows */
};

/* Receives one finished line (or piece), escaped and NUL-terminated. */
typedef void (*guest_line_emit)(void *ctx, const char *text);

/* Writes how byte is shown (no NUL) to out; returns its length, 1 to 4. */
unsigned int guest_line_escape(uint8_t byte, char out[GUEST_ESCAPE_MAX]);

/* An empty line. */
void guest_line_init(struct guest_line *l);

/*
 * Adds one byte the guest printed. A newline emits the line (an empty one
 * too); a full line is emitted as a piece first.
 */
void guest_line_put(struct guest_line *l, uint8_t byte, guest_line_emit emit, void *ctx);

/*
 * Emits what there is of an unfinished line, if anything. A CR that came
 * last stays pending (it may be the first half of a CRLF).
 */
void guest_line_flush(struct guest_line *l, guest_line_emit emit, void *ctx);

#endif
