/*
 * The board's console port: a polled serial line.
 */
#ifndef ARCH_CONSOLE_H
#define ARCH_CONSOLE_H

void arch_console_init(void);
void arch_console_putc(char c);

/* A received character, or -1 if none is waiting. */
int arch_console_getc(void);

#endif
