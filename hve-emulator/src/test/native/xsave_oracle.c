/*
 * Host-CPU oracle for the HVE core's XSAVE/XRSTOR (dev.hve.emulator.fpu.XSave), 64-bit forms.
 *
 *   xsave_oracle   reads cases from stdin, one per line:  KIND MASK STATE AREA
 *                  MASK: EDX:EAX in hex; STATE: 512 bytes in hex, an FXSAVE64 image loaded with
 *                  FXRSTOR64 first; AREA: 576 bytes in hex, the XSAVE area's contents before.
 *                  KIND S: XSAVE64 MASK to the area, print the 576-byte area.
 *                  KIND R: XRSTOR64 MASK from the area, then FXSAVE64 to a zeroed image, print it
 *                  (512 bytes); "GP" if XRSTOR64 faulted (SIGSEGV).
 *
 * The host's XCR0 enables more than x87 and SSE; the Java side keeps MASK within bits 1:0, so
 * RFBM is the same on both. Build: gcc -O1.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned char STATE[512] __attribute__((aligned(64)));
static unsigned char AREA[576] __attribute__((aligned(64)));
static unsigned char OUT[512] __attribute__((aligned(64)));
static sigjmp_buf JB;

static void on_fault(int sig) {
    (void)sig;
    siglongjmp(JB, 1);
}

static int hex_bytes(const char *text, unsigned char *out, int n) {
    for (int i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(text + 2 * i, "%2x", &v) != 1) {
            return 0;
        }
        out[i] = (unsigned char)v;
    }
    return 1;
}

static void print_bytes(const unsigned char *b, int n) {
    for (int i = 0; i < n; i++) {
        printf("%02x", b[i]);
    }
    printf("\n");
}

int main(void) {
    static char line[8192];
    static char state[2048], area[2048];
    char kind;
    unsigned long long mask;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, " %c %llx %2047s %2047s", &kind, &mask, state, area) != 4
            || !hex_bytes(state, STATE, 512) || !hex_bytes(area, AREA, 576)) {
            fprintf(stderr, "bad input line\n");
            return 2;
        }
        unsigned eax = (unsigned)mask, edx = (unsigned)(mask >> 32);
        if (kind == 'S') {
            __asm__ volatile("fxrstor64 %[st]\n\txsave64 %[ar]"
                             : [ar] "+m"(AREA) : [st] "m"(STATE), "a"(eax), "d"(edx) : "memory");
            print_bytes(AREA, 576);
        } else {
            memset(OUT, 0, sizeof OUT);
            if (sigsetjmp(JB, 1) == 0) {
                __asm__ volatile("fxrstor64 %[st]\n\txrstor64 %[ar]\n\tfxsave64 %[out]"
                                 : [out] "=m"(OUT) : [st] "m"(STATE), [ar] "m"(AREA), "a"(eax), "d"(edx)
                                 : "memory");
                print_bytes(OUT, 512);
            } else {
                printf("GP\n");
            }
        }
    }
    return 0;
}
