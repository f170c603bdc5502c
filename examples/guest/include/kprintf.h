/* Console output on UART0 (apple-devices §9.4), and a small printf: %d %i %u %x %X %lx %lu %ld %s %c %p %%. */
#ifndef KPRINTF_H
#define KPRINTF_H

#include "types.h"

void uart_putc(char c);
void uart_puts(const char *s);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* lib.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
