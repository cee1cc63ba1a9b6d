/* Integer workload: the sieve of Eratosthenes over SIEVE_N numbers, SIEVE_REPS times. */
#include "bench.h"

#ifndef SIEVE_N
#define SIEVE_N 1000000
#endif
#ifndef SIEVE_REPS
#define SIEVE_REPS 8
#endif

static u8 composite[SIEVE_N + 1];

/* Counts the primes <= n and sums them (mod 2^32). */
static u32 sieve(u32 n, u32 *sum)
{
    u32 count = 0;
    u32 total = 0;
    for (u32 i = 0; i <= n; i++) {
        composite[i] = 0;
    }
    for (u32 i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            total += i;
            for (u32 j = i * 2; j <= n; j += i) {
                composite[j] = 1;
            }
        }
    }
    *sum = total;
    return count;
}

int bench_main(void)
{
    u32 sum;
    /* Known answer: 25 primes below 100, summing to 1060. */
    int failed = sieve(100, &sum) != 25 || sum != 1060;
    u32 count = 0;
    u32 mix = 0;
    for (u32 rep = 0; rep < SIEVE_REPS; rep++) {
        /* Vary the bound a little per repetition so no repetition can be skipped. */
        count = sieve(SIEVE_N - rep, &sum);
        mix = (mix * 31u) ^ sum ^ count;
    }
    bench_puts("RESULT sieve n=");
    bench_putdec(SIEVE_N);
    bench_puts(" reps=");
    bench_putdec(SIEVE_REPS);
    bench_puts(" primes=");
    bench_putdec(count);
    bench_puts(" mix=");
    bench_puthex(mix);
    bench_puts(failed ? " selfcheck=FAIL\n" : " selfcheck=ok\n");
    return failed;
}
