/* The host side of a C workload: the oracle that prints the line the guest must print. */
#include <stdio.h>
#include "bench.h"

void bench_putc(char c)
{
    putchar(c);
}

int main(void)
{
    return bench_main() ? 1 : 0;
}
