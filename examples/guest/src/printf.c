/* kprintf: %d %i %u %x %X %c %s %p %%, the l modifier, and a width with optional 0 flag. */
#include <stdarg.h>
#include "kprintf.h"

static int put_number(u64 value, u32 base, bool upper, bool negative, int width, char pad)
{
    char buf[24];
    int n = 0, out = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        buf[n++] = digits[value % base];
        value /= base;
    } while (value);
    int len = n + (negative ? 1 : 0);
    if (negative && pad == '0') {
        uart_putc('-');
        out++;
    }
    for (; len < width; len++, out++)
        uart_putc(pad);
    if (negative && pad != '0') {
        uart_putc('-');
        out++;
    }
    while (n)
        uart_putc(buf[--n]), out++;
    return out;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    int out = 0;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            uart_putc(*fmt);
            out++;
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        bool is_long = false;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            is_long = true, fmt++;
        switch (*fmt) {
        case 'd':
        case 'i': {
            s64 v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            out += put_number(v < 0 ? -(u64)v : (u64)v, 10, false, v < 0, width, pad);
            break;
        }
        case 'u':
            out += put_number(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10, false, false, width, pad);
            break;
        case 'x':
        case 'X':
            out += put_number(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16, *fmt == 'X', false, width, pad);
            break;
        case 'p':
            uart_puts("0x");
            out += 2 + put_number((u64)va_arg(ap, void *), 16, false, false, width, pad);
            break;
        case 'c':
            uart_putc((char)va_arg(ap, int));
            out++;
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = (int)strlen(s);
            for (; len < width; len++, out++)
                uart_putc(' ');
            uart_puts(s);
            out += (int)strlen(s);
            break;
        }
        case '%':
            uart_putc('%');
            out++;
            break;
        case '\0':
            fmt--;
            break;
        default:
            uart_putc('%');
            uart_putc(*fmt);
            out += 2;
            break;
        }
    }
    va_end(ap);
    return out;
}
