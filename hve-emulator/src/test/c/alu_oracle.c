/*
 * Host-CPU oracle for the HVE core's user-mode integer instructions.
 *
 * Reads one case per line from stdin:   OP SIZE X Y C FLAGS   (hex numbers)
 * and writes one line per case:          R1 R2 FLAGS
 * where X is the destination (or RAX for MUL/DIV/CMPXCHG), Y the source (or the operand for
 * MUL/DIV), C the count for shifts, RDX for MUL/DIV, or the accumulator for CMPXCHG. The
 * instruction runs natively with FLAGS loaded by POPFQ and the result flags read by PUSHFQ.
 * Built by the Java test with gcc at test time (-mno-red-zone: the asm pushes and pops).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PRE "pushq %[fl]\n\tpopfq\n\t"
#define POST "\n\tpushfq\n\tpopq %[fl]"

typedef uint64_t u64;

/* op dest, src  (two-register forms) */
#define BIN(INSN, T, SUF)                                                                      \
    do {                                                                                       \
        T a = (T)x, b = (T)y;                                                                  \
        __asm__ volatile(PRE INSN SUF " %[b], %[a]" POST : [a] "+r"(a), [fl] "+r"(fl) : [b] "r"(b) : "cc"); \
        r1 = (u64)a;                                                                           \
        r2 = (u64)b;                                                                           \
    } while (0)

#define UNARY(INSN, T, SUF)                                                                    \
    do {                                                                                       \
        T a = (T)x;                                                                            \
        __asm__ volatile(PRE INSN SUF " %[a]" POST : [a] "+r"(a), [fl] "+r"(fl) : : "cc");     \
        r1 = (u64)a;                                                                           \
    } while (0)

#define SHIFT(INSN, T, SUF)                                                                    \
    do {                                                                                       \
        T a = (T)x;                                                                            \
        uint8_t cnt = (uint8_t)c;                                                              \
        __asm__ volatile(PRE INSN SUF " %%cl, %[a]" POST : [a] "+r"(a), [fl] "+r"(fl) : "c"(cnt) : "cc"); \
        r1 = (u64)a;                                                                           \
    } while (0)

#define DSHIFT(INSN, T, SUF)                                                                   \
    do {                                                                                       \
        T a = (T)x, b = (T)y;                                                                  \
        uint8_t cnt = (uint8_t)c;                                                              \
        __asm__ volatile(PRE INSN SUF " %%cl, %[b], %[a]" POST : [a] "+r"(a), [fl] "+r"(fl) : [b] "r"(b), "c"(cnt) : "cc"); \
        r1 = (u64)a;                                                                           \
    } while (0)

/* MUL/IMUL/DIV/IDIV r/m with RAX = x, RDX = c, operand y. */
#define MULDIV(INSN, T, SUF)                                                                   \
    do {                                                                                       \
        u64 ax = x, dx = c;                                                                    \
        T b = (T)y;                                                                            \
        __asm__ volatile(PRE INSN SUF " %[b]" POST : "+a"(ax), "+d"(dx), [fl] "+r"(fl) : [b] "r"(b) : "cc"); \
        r1 = ax;                                                                               \
        r2 = dx;                                                                               \
    } while (0)

#define CMPXCHG(T, SUF)                                                                        \
    do {                                                                                       \
        T a = (T)y, b = (T)c;                                                                  \
        u64 acc = x;                                                                           \
        __asm__ volatile(PRE "cmpxchg" SUF " %[b], %[a]" POST : [a] "+r"(a), "+a"(acc), [fl] "+r"(fl) : [b] "r"(b) : "cc"); \
        r1 = acc;                                                                              \
        r2 = (u64)a;                                                                           \
    } while (0)

#define SIZES(MACRO, INSN)                                                                     \
    switch (size) {                                                                            \
        case 1: MACRO(INSN, uint8_t, "b"); break;                                              \
        case 2: MACRO(INSN, uint16_t, "w"); break;                                             \
        case 4: MACRO(INSN, uint32_t, "l"); break;                                             \
        default: MACRO(INSN, uint64_t, "q"); break;                                            \
    }

#define SIZES_NO8(MACRO, INSN)                                                                 \
    switch (size) {                                                                            \
        case 2: MACRO(INSN, uint16_t, "w"); break;                                             \
        case 4: MACRO(INSN, uint32_t, "l"); break;                                             \
        default: MACRO(INSN, uint64_t, "q"); break;                                            \
    }

/* String instructions over two 512-byte buffers: A is X's bytes repeated, B equals A except
 * byte (C & 63), which is Y's low byte. RCX = (Y >> 8) & 31. (512 bytes cover 31 quadwords.) Reports RCX and how far RSI/RDI moved. */
static unsigned char A[512], B[512];

#define REPSTR(INSN)                                                                           \
    do {                                                                                       \
        u64 cnt = (y >> 8) & 31, ax = x;                                                       \
        unsigned char *si = A, *di = B;                                                        \
        for (int i = 0; i < 512; i++) A[i] = (unsigned char)(x >> (8 * (i % 8)));              \
        memcpy(B, A, sizeof B);                                                                \
        B[c & 63] = (unsigned char)y;                                                          \
        __asm__ volatile(PRE INSN POST : "+c"(cnt), "+S"(si), "+D"(di), [fl] "+r"(fl) : "a"(ax) : "cc", "memory"); \
        r1 = cnt;                                                                              \
        r2 = (u64)(di - B) | ((u64)(si - A) << 16);                                            \
    } while (0)

#define STRSIZES(PFX, OP)                                                                      \
    switch (size) {                                                                            \
        case 1: REPSTR(PFX " " OP "b"); break;                                                 \
        case 2: REPSTR(PFX " " OP "w"); break;                                                 \
        case 4: REPSTR(PFX " " OP "l"); break;                                                 \
        default: REPSTR(PFX " " OP "q"); break;                                                \
    }

int main(void) {
    char op[32];
    int size;
    u64 x, y, c, fl;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    while (scanf("%31s %d %lx %lx %lx %lx", op, &size, &x, &y, &c, &fl) == 6) {
        u64 r1 = 0, r2 = 0;
        fl = (fl & 0x8D5) | 0x202;
        if (!strcmp(op, "add")) { SIZES(BIN, "add") }
        else if (!strcmp(op, "or")) { SIZES(BIN, "or") }
        else if (!strcmp(op, "adc")) { SIZES(BIN, "adc") }
        else if (!strcmp(op, "sbb")) { SIZES(BIN, "sbb") }
        else if (!strcmp(op, "and")) { SIZES(BIN, "and") }
        else if (!strcmp(op, "sub")) { SIZES(BIN, "sub") }
        else if (!strcmp(op, "xor")) { SIZES(BIN, "xor") }
        else if (!strcmp(op, "cmp")) { SIZES(BIN, "cmp") }
        else if (!strcmp(op, "test")) { SIZES(BIN, "test") }
        else if (!strcmp(op, "xadd")) { SIZES(BIN, "xadd") }
        else if (!strcmp(op, "inc")) { SIZES(UNARY, "inc") }
        else if (!strcmp(op, "dec")) { SIZES(UNARY, "dec") }
        else if (!strcmp(op, "neg")) { SIZES(UNARY, "neg") }
        else if (!strcmp(op, "not")) { SIZES(UNARY, "not") }
        else if (!strcmp(op, "rol")) { SIZES(SHIFT, "rol") }
        else if (!strcmp(op, "ror")) { SIZES(SHIFT, "ror") }
        else if (!strcmp(op, "rcl")) { SIZES(SHIFT, "rcl") }
        else if (!strcmp(op, "rcr")) { SIZES(SHIFT, "rcr") }
        else if (!strcmp(op, "shl")) { SIZES(SHIFT, "shl") }
        else if (!strcmp(op, "shr")) { SIZES(SHIFT, "shr") }
        else if (!strcmp(op, "sar")) { SIZES(SHIFT, "sar") }
        else if (!strcmp(op, "shld")) { SIZES_NO8(DSHIFT, "shld") }
        else if (!strcmp(op, "shrd")) { SIZES_NO8(DSHIFT, "shrd") }
        else if (!strcmp(op, "mul")) { SIZES(MULDIV, "mul") }
        else if (!strcmp(op, "imul1")) { SIZES(MULDIV, "imul") }
        else if (!strcmp(op, "div")) { SIZES(MULDIV, "div") }
        else if (!strcmp(op, "idiv")) { SIZES(MULDIV, "idiv") }
        else if (!strcmp(op, "imul2")) { SIZES_NO8(BIN, "imul") }
        else if (!strcmp(op, "bt")) { SIZES_NO8(BIN, "bt") }
        else if (!strcmp(op, "bts")) { SIZES_NO8(BIN, "bts") }
        else if (!strcmp(op, "btr")) { SIZES_NO8(BIN, "btr") }
        else if (!strcmp(op, "btc")) { SIZES_NO8(BIN, "btc") }
        else if (!strcmp(op, "bsf")) { SIZES_NO8(BIN, "bsf") }
        else if (!strcmp(op, "bsr")) { SIZES_NO8(BIN, "bsr") }
        else if (!strcmp(op, "popcnt")) { SIZES_NO8(BIN, "popcnt") }
        else if (!strcmp(op, "lzcnt")) { SIZES_NO8(BIN, "lzcnt") }
        else if (!strcmp(op, "tzcnt")) { SIZES_NO8(BIN, "tzcnt") }
        else if (!strcmp(op, "crc32")) {
            uint32_t acc = (uint32_t)x;
            switch (size) {
                case 1: { uint8_t b = (uint8_t)y; __asm__ volatile(PRE "crc32b %[b], %[a]" POST : [a] "+r"(acc), [fl] "+r"(fl) : [b] "r"(b) : "cc"); break; }
                case 2: { uint16_t b = (uint16_t)y; __asm__ volatile(PRE "crc32w %[b], %[a]" POST : [a] "+r"(acc), [fl] "+r"(fl) : [b] "r"(b) : "cc"); break; }
                case 4: { uint32_t b = (uint32_t)y; __asm__ volatile(PRE "crc32l %[b], %[a]" POST : [a] "+r"(acc), [fl] "+r"(fl) : [b] "r"(b) : "cc"); break; }
                default: { u64 a64 = acc; __asm__ volatile(PRE "crc32q %[b], %[a]" POST : [a] "+r"(a64), [fl] "+r"(fl) : [b] "r"(y) : "cc"); acc = (uint32_t)a64; break; }
            }
            r1 = acc;
            r2 = y;
        }
        else if (!strcmp(op, "repe_cmps")) { STRSIZES("repe", "cmps") }
        else if (!strcmp(op, "repne_cmps")) { STRSIZES("repne", "cmps") }
        else if (!strcmp(op, "repe_scas")) { STRSIZES("repe", "scas") }
        else if (!strcmp(op, "repne_scas")) { STRSIZES("repne", "scas") }
        else if (!strcmp(op, "cmpxchg")) {
            switch (size) {
                case 1: CMPXCHG(uint8_t, "b"); break;
                case 2: CMPXCHG(uint16_t, "w"); break;
                case 4: CMPXCHG(uint32_t, "l"); break;
                default: CMPXCHG(uint64_t, "q"); break;
            }
        } else {
            fprintf(stderr, "unknown op %s\n", op);
            return 2;
        }
        printf("%lx %lx %lx\n", r1, r2, fl);
    }
    return 0;
}
