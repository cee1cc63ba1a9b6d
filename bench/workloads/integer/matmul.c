/* Integer workload: MAT_N x MAT_N 32-bit integer matrix multiply, MAT_REPS times, each
   repetition feeding the product back into the left operand. */
#include "bench.h"

#ifndef MAT_N
#define MAT_N 96
#endif
#ifndef MAT_REPS
#define MAT_REPS 6
#endif

static u32 a[MAT_N][MAT_N];
static u32 b[MAT_N][MAT_N];
static u32 c[MAT_N][MAT_N];

static void multiply(u32 n)
{
    for (u32 i = 0; i < n; i++) {
        for (u32 j = 0; j < n; j++) {
            u32 s = 0;
            for (u32 k = 0; k < n; k++) {
                s += a[i][k] * b[k][j];
            }
            c[i][j] = s;
        }
    }
}

int bench_main(void)
{
    /* Known answer: [[1,2],[3,4]] squared is [[7,10],[15,22]]. */
    a[0][0] = 1; a[0][1] = 2; a[1][0] = 3; a[1][1] = 4;
    b[0][0] = 1; b[0][1] = 2; b[1][0] = 3; b[1][1] = 4;
    multiply(2);
    int failed = c[0][0] != 7 || c[0][1] != 10 || c[1][0] != 15 || c[1][1] != 22;

    u32 seed = 2024;
    for (u32 i = 0; i < MAT_N; i++) {
        for (u32 j = 0; j < MAT_N; j++) {
            a[i][j] = bench_lcg(&seed) >> 20;
            b[i][j] = bench_lcg(&seed) >> 20;
        }
    }
    u32 sum = 0;
    for (u32 rep = 0; rep < MAT_REPS; rep++) {
        multiply(MAT_N);
        sum = 0;
        for (u32 i = 0; i < MAT_N; i++) {
            for (u32 j = 0; j < MAT_N; j++) {
                sum = sum * 33u + c[i][j];
                a[i][j] = c[i][j] >> 8;
            }
        }
    }
    bench_puts("RESULT matmul n=");
    bench_putdec(MAT_N);
    bench_puts(" reps=");
    bench_putdec(MAT_REPS);
    bench_puts(" sum=");
    bench_puthex(sum);
    bench_puts(failed ? " selfcheck=FAIL\n" : " selfcheck=ok\n");
    return failed;
}
