/* Integer workload: table-driven CRC-32 (IEEE 802.3, reflected) over CRC_BYTES of LCG data,
   CRC_REPS times, each pass chained on the previous CRC. */
#include "bench.h"

#ifndef CRC_BYTES
#define CRC_BYTES 262144
#endif
#ifndef CRC_REPS
#define CRC_REPS 24
#endif

static u32 table[256];
static u8 data[CRC_BYTES];

static void make_table(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        table[i] = c;
    }
}

static u32 crc32(u32 crc, const u8 *p, u32 n)
{
    crc = ~crc;
    while (n--) {
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

int bench_main(void)
{
    make_table();
    /* Known answer: the CRC-32 check value of "123456789". */
    static const u8 check[] = "123456789";
    int failed = crc32(0, check, 9) != 0xCBF43926u;
    u32 seed = 12345;
    for (u32 i = 0; i < CRC_BYTES; i++) {
        data[i] = (u8)(bench_lcg(&seed) >> 24);
    }
    u32 crc = 0;
    for (u32 rep = 0; rep < CRC_REPS; rep++) {
        crc = crc32(crc, data, CRC_BYTES);
    }
    bench_puts("RESULT crc32 bytes=");
    bench_putdec(CRC_BYTES);
    bench_puts(" reps=");
    bench_putdec(CRC_REPS);
    bench_puts(" crc=");
    bench_puthex(crc);
    bench_puts(failed ? " selfcheck=FAIL\n" : " selfcheck=ok\n");
    return failed;
}
