/*
 * Shared by every C workload. A workload defines bench_main(), which computes its result,
 * prints one line "RESULT <name> key=value ..." through the helpers below and returns 0 when
 * its own self-check passed. The same source is built two ways:
 *   - as a multiboot guest (guest.c supplies bench_putc over COM1 and ends the run through the
 *     isa-debug-exit port), and
 *   - as a host program (host.c supplies bench_putc over stdout), which is the oracle the
 *     comparison script checks the guest's line against.
 * Parameters come in as -D flags so the smoke run can use tiny iteration counts.
 */
#ifndef BENCH_H
#define BENCH_H

typedef unsigned int u32;
typedef unsigned char u8;

void bench_putc(char c);
int bench_main(void);

static inline void bench_puts(const char *s)
{
    while (*s) {
        bench_putc(*s++);
    }
}

static inline void bench_putdec(u32 v)
{
    char buf[11];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        bench_putc(buf[--n]);
    }
}

static inline void bench_puthex(u32 v)
{
    static const char digits[] = "0123456789abcdef";
    bench_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        bench_putc(digits[(v >> shift) & 0xF]);
    }
}

/* A 32-bit LCG (Numerical Recipes constants): deterministic input data on guest and host. */
static inline u32 bench_lcg(u32 *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

#endif
