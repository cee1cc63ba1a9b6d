/* The guest side of a C workload: COM1 output and the isa-debug-exit port. */
#include "bench.h"

#define COM1 0x3F8
#define COM1_LSR (COM1 + 5)
#define LSR_THR_EMPTY 0x20
#define DEBUG_EXIT_PORT 0xF4
/* Debug-exit values: the run's status is (value << 1) | 1, so 67 means success, 125 failure. */
#define EXIT_SUCCESS_VALUE 0x21
#define EXIT_FAILURE_VALUE 0x3E

static inline void outb(unsigned short port, u8 value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline u8 inb(unsigned short port)
{
    u8 value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

void bench_putc(char c)
{
    while (!(inb(COM1_LSR) & LSR_THR_EMPTY)) {
    }
    outb(COM1, (u8)c);
}

/* gcc may emit calls to these even in freestanding code. */
void *memset(void *d, int c, unsigned long n)
{
    u8 *p = d;
    while (n--) {
        *p++ = (u8)c;
    }
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--) {
        *p++ = *q++;
    }
    return d;
}

void bench_guest_main(void)
{
    int failed = bench_main();
    outb(DEBUG_EXIT_PORT, failed ? EXIT_FAILURE_VALUE : EXIT_SUCCESS_VALUE);
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}
