/* Host oracle for paging64.s: prints the line the guest must print for the same parameters. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    const uint64_t bytes = (uint64_t)MEM_MB << 20;
    const uint64_t k = 0x5851F42D4C957F2DULL;
    uint64_t sum = 0;
    for (uint64_t off = 0; off <= bytes - 8; off += MEM_STRIDE) {
        uint64_t v = off;
        for (uint64_t pass = 1; pass <= MEM_PASSES; pass++) {
            v = v * k + pass;
            sum += v;
        }
    }
    printf("RESULT memory mb=%u stride=%u passes=%u sumhi=0x%08x sumlo=0x%08x lma=1\n",
           (unsigned)MEM_MB, (unsigned)MEM_STRIDE, (unsigned)MEM_PASSES,
           (unsigned)(sum >> 32), (unsigned)sum);
    return 0;
}
