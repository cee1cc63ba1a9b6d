/*
 * Host-CPU oracle for the HVE core's x87 and SSE/SSE2 units (dev.hve.emulator.fpu / .simd).
 *
 *   fpu_oracle -d        lists every operation:  NAME KIND HEXBYTES
 *                        (the exact machine code of the instruction under test, taken from
 *                        this binary itself, so the Java side executes the very same encoding)
 *   fpu_oracle           reads cases from stdin: NAME CTL AHI ALO BHI BLO   (hex)
 *                        and prints one line per case:
 *                        RHI RLO STATUS FLAGS MEMLO FAULT RAX MEMHI R2HI R2LO IMAGE
 *
 * KIND: F x87 result in ST(0); C x87 compare; M x87 store to memory; S SSE result in XMM0;
 * G SSE result in RAX; I SSE with source in RAX; E SSE result in RFLAGS; V a state image
 * (FXSAVE, FNSTENV, FNSAVE, STMXCSR) stored at RBX, printed as IMAGE (512 bytes, else empty).
 * Memory at RBX: 512 bytes, 64-byte aligned, BLO then BHI then A5h filler.
 * x87: A and B are 80-bit values (hi = sign/exponent, lo = significand) loaded as ST(0)=A,
 * ST(1)=B; CTL is the FCW; STATUS is FSW right after the instruction; the stack top is then
 * stored, then ST(1) as R2 (each after FNCLEX, so unmasked exceptions never trap).
 * SSE: XMM0 = A, XMM1 = B, RAX = BLO for kind I and BHI for kind G; CTL is MXCSR; STATUS is
 * MXCSR afterwards. An unmasked SIMD exception is caught (SIGFPE) and reported with FAULT=1,
 * with XMM0, RAX, RFLAGS and MXCSR as the exception left them.
 * Build: gcc -O1 -mno-red-zone (the asm pushes and pops).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

typedef uint64_t u64;
typedef struct { u64 lo, hi; } v128;

static v128 A, B, R, R2;
static unsigned char MEMBUF[512] __attribute__((aligned(64)));
static u64 FL, RAXV, CTL, STATUS;
static int FAULT;
static const unsigned char *S0, *S1;
static sigjmp_buf JB;

#define MARK "lea 1f(%%rip), %%rax\n\tmov %%rax, %[s0]\n\tlea 2f(%%rip), %%rax\n\tmov %%rax, %[s1]\n\t"

#define X87(NAME, INSN)                                                                        \
    static void NAME(void) {                                                                   \
        uint16_t cw = (uint16_t)CTL, sw;                                                       \
        u64 fl;                                                                                \
        __asm__ volatile(MARK "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t"             \
                         "lea %[m], %%rbx\n\tpushq $0x8d7\n\tpopfq\n\t"                         \
                         "1: " INSN "\n2:\n\tpushfq\n\tpopq %[fl]\n\tfnstsw %[sw]\n\tfnclex\n\t" \
                         "fstpt %[r]\n\tfnclex\n\tfstpt %[r2]\n\tfninit"                       \
                         : [r] "+m"(R), [r2] "+m"(R2), [sw] "=m"(sw), [fl] "=r"(fl), [m] "+m"(MEMBUF), \
                           [s0] "=m"(S0), [s1] "=m"(S1)                                         \
                         : [a] "m"(A), [b] "m"(B), [cw] "m"(cw)                                 \
                         : "rax", "rbx", "cc", "memory");                                       \
        STATUS = sw;                                                                           \
        FL = fl & 0x8d5;                                                                       \
    }

#define SSE(NAME, INSN)                                                                        \
    static void NAME(void) {                                                                   \
        uint32_t mx = (uint32_t)CTL, out;                                                      \
        u64 fl, rax = RAXV;                                                                    \
        __asm__ volatile(MARK "ldmxcsr %[mx]\n\tmovdqu %[a], %%xmm0\n\tmovdqu %[b], %%xmm1\n\t" \
                         "mov %[rax], %%rax\n\tlea %[m], %%rbx\n\tpushq $0x8d7\n\tpopfq\n\t"  \
                         "1: " INSN "\n2:\n\tpushfq\n\tpopq %[fl]\n\tmov %%rax, %[rax]\n\t"     \
                         "movdqu %%xmm0, %[r]\n\tstmxcsr %[out]"                                 \
                         : [r] "=m"(R), [out] "=m"(out), [fl] "=r"(fl), [rax] "+m"(rax),       \
                           [s0] "=m"(S0), [s1] "=m"(S1), [m] "+m"(MEMBUF)                       \
                         : [a] "m"(A), [b] "m"(B), [mx] "m"(mx)                                 \
                         : "rax", "rbx", "xmm0", "xmm1", "cc", "memory");                       \
        STATUS = out;                                                                          \
        FL = fl & 0x8d5;                                                                       \
        RAXV = rax;                                                                            \
    }

/* V: x87 stack A, B with FCW = CTL[15:0], MXCSR = CTL[31:16], XMM0 = A, XMM1 = B, XMM2-15 = 0. */
#define SAVE(NAME, INSN)                                                                       \
    static void NAME(void) {                                                                   \
        uint16_t cw = (uint16_t)CTL;                                                           \
        uint32_t mx = (uint32_t)(CTL >> 16);                                                   \
        __asm__ volatile(MARK "fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\t" \
                         "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\tldmxcsr %[mx]\n\t"     \
                         "movdqu %[a], %%xmm0\n\tmovdqu %[b], %%xmm1\n\t"                        \
                         "pxor %%xmm2, %%xmm2\n\tpxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\t"   \
                         "pxor %%xmm5, %%xmm5\n\tpxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\t"   \
                         "pxor %%xmm8, %%xmm8\n\tpxor %%xmm9, %%xmm9\n\tpxor %%xmm10, %%xmm10\n\t" \
                         "pxor %%xmm11, %%xmm11\n\tpxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\t" \
                         "pxor %%xmm14, %%xmm14\n\tpxor %%xmm15, %%xmm15\n\t"                   \
                         "lea %[m], %%rbx\n\t1: " INSN "\n2:\n\tfninit\n\tmovl $0x1f80, %[mx]\n\tldmxcsr %[mx]" \
                         : [m] "+m"(MEMBUF), [s0] "=m"(S0), [s1] "=m"(S1), [mx] "+m"(mx)       \
                         : [a] "m"(A), [b] "m"(B), [cw] "m"(cw)                                 \
                         : "rax", "rbx", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", \
                           "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", \
                           "xmm15", "cc", "memory");                                            \
    }

#define OPS(X)                                                                                 \
    X(fadd, F, ".byte 0xde, 0xc1")   /* FADDP ST(1),ST(0) */                                   \
    X(fmul, F, ".byte 0xde, 0xc9")                                                             \
    X(fsub, F, ".byte 0xde, 0xe1")   /* FSUBRP ST(1),ST(0): ST(0)-ST(1) */                     \
    X(fsubr, F, ".byte 0xde, 0xe9")  /* FSUBP ST(1),ST(0): ST(1)-ST(0) */                      \
    X(fdiv, F, ".byte 0xde, 0xf1")   /* FDIVRP: ST(0)/ST(1) */                                 \
    X(fdivr, F, ".byte 0xde, 0xf9")                                                            \
    X(fadd_st0, F, ".byte 0xd8, 0xc1")                                                         \
    X(fsub_st0, F, ".byte 0xd8, 0xe1")                                                         \
    X(fsubr_st0, F, ".byte 0xd8, 0xe9")                                                        \
    X(fdiv_st0, F, ".byte 0xd8, 0xf1")                                                         \
    X(fdivr_st0, F, ".byte 0xd8, 0xf9")                                                        \
    X(fsqrt, F, "fsqrt")                                                                       \
    X(frndint, F, "frndint")                                                                   \
    X(fscale, F, "fscale")                                                                     \
    X(fchs, F, "fchs")                                                                         \
    X(fabs, F, "fabs")                                                                         \
    X(fxch, F, "fxch %%st(1)")                                                                 \
    X(fld1, F, "fld1")                                                                         \
    X(fldl2t, F, "fldl2t")                                                                     \
    X(fldl2e, F, "fldl2e")                                                                     \
    X(fldpi, F, "fldpi")                                                                       \
    X(fldlg2, F, "fldlg2")                                                                     \
    X(fldln2, F, "fldln2")                                                                     \
    X(fldz, F, "fldz")                                                                         \
    X(fld32, F, "flds (%%rbx)")                                                                \
    X(fld64, F, "fldl (%%rbx)")                                                                \
    X(fild16, F, "filds (%%rbx)")                                                              \
    X(fild32, F, "fildl (%%rbx)")                                                              \
    X(fild64, F, "fildll (%%rbx)")                                                             \
    X(fadd32, F, "fadds (%%rbx)")                                                              \
    X(fadd64, F, "faddl (%%rbx)")                                                              \
    X(fsub32, F, "fsubs (%%rbx)")                                                              \
    X(fsubr64, F, "fsubrl (%%rbx)")                                                            \
    X(fmul32, F, "fmuls (%%rbx)")                                                              \
    X(fdiv64, F, "fdivl (%%rbx)")                                                              \
    X(fdivr32, F, "fdivrs (%%rbx)")                                                            \
    X(fiadd32, F, "fiaddl (%%rbx)")                                                            \
    X(fimul16, F, "fimuls (%%rbx)")                                                            \
    X(fidiv32, F, "fidivl (%%rbx)")                                                            \
    X(fst32, M, "fsts (%%rbx)")                                                                \
    X(fst64, M, "fstl (%%rbx)")                                                                \
    X(fist16, M, "fists (%%rbx)")                                                              \
    X(fist32, M, "fistl (%%rbx)")                                                              \
    X(fistp64, M, "fistpll (%%rbx)")                                                           \
    X(fisttp16, M, "fisttps (%%rbx)")                                                          \
    X(fisttp32, M, "fisttpl (%%rbx)")                                                          \
    X(fisttp64, M, "fisttpll (%%rbx)")                                                         \
    X(fcom, C, "fcom %%st(1)")                                                                 \
    X(fucom, C, "fucom %%st(1)")                                                               \
    X(fcomi, C, "fcomi %%st(1), %%st")                                                         \
    X(fucomi, C, "fucomi %%st(1), %%st")                                                       \
    X(fucomip, C, "fucomip %%st(1), %%st")                                                     \
    X(ftst, C, "ftst")                                                                         \
    X(fxam, C, "fxam")                                                                         \
    X(fcom32, C, "fcoms (%%rbx)")                                                              \
    X(fcomp64, C, "fcompl (%%rbx)")                                                            \
    X(addss, S, "addss %%xmm1, %%xmm0")                                                        \
    X(subss, S, "subss %%xmm1, %%xmm0")                                                        \
    X(mulss, S, "mulss %%xmm1, %%xmm0")                                                        \
    X(divss, S, "divss %%xmm1, %%xmm0")                                                        \
    X(minss, S, "minss %%xmm1, %%xmm0")                                                        \
    X(maxss, S, "maxss %%xmm1, %%xmm0")                                                        \
    X(sqrtss, S, "sqrtss %%xmm1, %%xmm0")                                                      \
    X(addsd, S, "addsd %%xmm1, %%xmm0")                                                        \
    X(subsd, S, "subsd %%xmm1, %%xmm0")                                                        \
    X(mulsd, S, "mulsd %%xmm1, %%xmm0")                                                        \
    X(divsd, S, "divsd %%xmm1, %%xmm0")                                                        \
    X(minsd, S, "minsd %%xmm1, %%xmm0")                                                        \
    X(maxsd, S, "maxsd %%xmm1, %%xmm0")                                                        \
    X(sqrtsd, S, "sqrtsd %%xmm1, %%xmm0")                                                      \
    X(addps, S, "addps %%xmm1, %%xmm0")                                                        \
    X(mulps, S, "mulps %%xmm1, %%xmm0")                                                        \
    X(divps, S, "divps %%xmm1, %%xmm0")                                                        \
    X(maxps, S, "maxps %%xmm1, %%xmm0")                                                        \
    X(sqrtps, S, "sqrtps %%xmm1, %%xmm0")                                                      \
    X(subpd, S, "subpd %%xmm1, %%xmm0")                                                        \
    X(divpd, S, "divpd %%xmm1, %%xmm0")                                                        \
    X(minpd, S, "minpd %%xmm1, %%xmm0")                                                        \
    X(cmpss0, S, "cmpss $0, %%xmm1, %%xmm0")                                                   \
    X(cmpss1, S, "cmpss $1, %%xmm1, %%xmm0")                                                   \
    X(cmpss2, S, "cmpss $2, %%xmm1, %%xmm0")                                                   \
    X(cmpss3, S, "cmpss $3, %%xmm1, %%xmm0")                                                   \
    X(cmpss4, S, "cmpss $4, %%xmm1, %%xmm0")                                                   \
    X(cmpss5, S, "cmpss $5, %%xmm1, %%xmm0")                                                   \
    X(cmpss6, S, "cmpss $6, %%xmm1, %%xmm0")                                                   \
    X(cmpss7, S, "cmpss $7, %%xmm1, %%xmm0")                                                   \
    X(cmpsd1, S, "cmpsd $1, %%xmm1, %%xmm0")                                                   \
    X(cmpsd4, S, "cmpsd $4, %%xmm1, %%xmm0")                                                   \
    X(cmppd6, S, "cmppd $6, %%xmm1, %%xmm0")                                                   \
    X(cmpps3, S, "cmpps $3, %%xmm1, %%xmm0")                                                   \
    X(cvtss2sd, S, "cvtss2sd %%xmm1, %%xmm0")                                                  \
    X(cvtsd2ss, S, "cvtsd2ss %%xmm1, %%xmm0")                                                  \
    X(cvtps2pd, S, "cvtps2pd %%xmm1, %%xmm0")                                                  \
    X(cvtpd2ps, S, "cvtpd2ps %%xmm1, %%xmm0")                                                  \
    X(cvtdq2ps, S, "cvtdq2ps %%xmm1, %%xmm0")                                                  \
    X(cvtps2dq, S, "cvtps2dq %%xmm1, %%xmm0")                                                  \
    X(cvttps2dq, S, "cvttps2dq %%xmm1, %%xmm0")                                                \
    X(cvtdq2pd, S, "cvtdq2pd %%xmm1, %%xmm0")                                                  \
    X(cvtpd2dq, S, "cvtpd2dq %%xmm1, %%xmm0")                                                  \
    X(cvttpd2dq, S, "cvttpd2dq %%xmm1, %%xmm0")                                                \
    X(andps, S, "andps %%xmm1, %%xmm0")                                                        \
    X(andnpd, S, "andnpd %%xmm1, %%xmm0")                                                      \
    X(orps, S, "orps %%xmm1, %%xmm0")                                                          \
    X(xorpd, S, "xorpd %%xmm1, %%xmm0")                                                        \
    X(unpcklps, S, "unpcklps %%xmm1, %%xmm0")                                                  \
    X(unpckhps, S, "unpckhps %%xmm1, %%xmm0")                                                  \
    X(unpcklpd, S, "unpcklpd %%xmm1, %%xmm0")                                                  \
    X(unpckhpd, S, "unpckhpd %%xmm1, %%xmm0")                                                  \
    X(shufps, S, "shufps $0x9c, %%xmm1, %%xmm0")                                               \
    X(shufpd, S, "shufpd $1, %%xmm1, %%xmm0")                                                  \
    X(movss, S, "movss %%xmm1, %%xmm0")                                                        \
    X(movsd, S, "movsd %%xmm1, %%xmm0")                                                        \
    X(movhlps, S, "movhlps %%xmm1, %%xmm0")                                                    \
    X(movlhps, S, "movlhps %%xmm1, %%xmm0")                                                    \
    X(movq_xx, S, "movq %%xmm1, %%xmm0")                                                       \
    X(paddb, S, "paddb %%xmm1, %%xmm0")                                                        \
    X(paddw, S, "paddw %%xmm1, %%xmm0")                                                        \
    X(paddd, S, "paddd %%xmm1, %%xmm0")                                                        \
    X(paddq, S, "paddq %%xmm1, %%xmm0")                                                        \
    X(psubb, S, "psubb %%xmm1, %%xmm0")                                                        \
    X(psubw, S, "psubw %%xmm1, %%xmm0")                                                        \
    X(psubd, S, "psubd %%xmm1, %%xmm0")                                                        \
    X(psubq, S, "psubq %%xmm1, %%xmm0")                                                        \
    X(paddsb, S, "paddsb %%xmm1, %%xmm0")                                                      \
    X(paddsw, S, "paddsw %%xmm1, %%xmm0")                                                      \
    X(paddusb, S, "paddusb %%xmm1, %%xmm0")                                                    \
    X(paddusw, S, "paddusw %%xmm1, %%xmm0")                                                    \
    X(psubsb, S, "psubsb %%xmm1, %%xmm0")                                                      \
    X(psubsw, S, "psubsw %%xmm1, %%xmm0")                                                      \
    X(psubusb, S, "psubusb %%xmm1, %%xmm0")                                                    \
    X(psubusw, S, "psubusw %%xmm1, %%xmm0")                                                    \
    X(pmullw, S, "pmullw %%xmm1, %%xmm0")                                                      \
    X(pmulhw, S, "pmulhw %%xmm1, %%xmm0")                                                      \
    X(pmulhuw, S, "pmulhuw %%xmm1, %%xmm0")                                                    \
    X(pmuludq, S, "pmuludq %%xmm1, %%xmm0")                                                    \
    X(pmaddwd, S, "pmaddwd %%xmm1, %%xmm0")                                                    \
    X(pavgb, S, "pavgb %%xmm1, %%xmm0")                                                        \
    X(pavgw, S, "pavgw %%xmm1, %%xmm0")                                                        \
    X(pminub, S, "pminub %%xmm1, %%xmm0")                                                      \
    X(pmaxub, S, "pmaxub %%xmm1, %%xmm0")                                                      \
    X(pminsw, S, "pminsw %%xmm1, %%xmm0")                                                      \
    X(pmaxsw, S, "pmaxsw %%xmm1, %%xmm0")                                                      \
    X(psadbw, S, "psadbw %%xmm1, %%xmm0")                                                      \
    X(pcmpeqb, S, "pcmpeqb %%xmm1, %%xmm0")                                                    \
    X(pcmpeqw, S, "pcmpeqw %%xmm1, %%xmm0")                                                    \
    X(pcmpeqd, S, "pcmpeqd %%xmm1, %%xmm0")                                                    \
    X(pcmpgtb, S, "pcmpgtb %%xmm1, %%xmm0")                                                    \
    X(pcmpgtw, S, "pcmpgtw %%xmm1, %%xmm0")                                                    \
    X(pcmpgtd, S, "pcmpgtd %%xmm1, %%xmm0")                                                    \
    X(pand, S, "pand %%xmm1, %%xmm0")                                                          \
    X(pandn, S, "pandn %%xmm1, %%xmm0")                                                        \
    X(por, S, "por %%xmm1, %%xmm0")                                                            \
    X(pxor, S, "pxor %%xmm1, %%xmm0")                                                          \
    X(punpcklbw, S, "punpcklbw %%xmm1, %%xmm0")                                                \
    X(punpcklwd, S, "punpcklwd %%xmm1, %%xmm0")                                                \
    X(punpckldq, S, "punpckldq %%xmm1, %%xmm0")                                                \
    X(punpcklqdq, S, "punpcklqdq %%xmm1, %%xmm0")                                              \
    X(punpckhbw, S, "punpckhbw %%xmm1, %%xmm0")                                                \
    X(punpckhwd, S, "punpckhwd %%xmm1, %%xmm0")                                                \
    X(punpckhdq, S, "punpckhdq %%xmm1, %%xmm0")                                                \
    X(punpckhqdq, S, "punpckhqdq %%xmm1, %%xmm0")                                              \
    X(packsswb, S, "packsswb %%xmm1, %%xmm0")                                                  \
    X(packssdw, S, "packssdw %%xmm1, %%xmm0")                                                  \
    X(packuswb, S, "packuswb %%xmm1, %%xmm0")                                                  \
    X(psllw, S, "psllw %%xmm1, %%xmm0")                                                        \
    X(pslld, S, "pslld %%xmm1, %%xmm0")                                                        \
    X(psllq, S, "psllq %%xmm1, %%xmm0")                                                        \
    X(psrlw, S, "psrlw %%xmm1, %%xmm0")                                                        \
    X(psrld, S, "psrld %%xmm1, %%xmm0")                                                        \
    X(psrlq, S, "psrlq %%xmm1, %%xmm0")                                                        \
    X(psraw, S, "psraw %%xmm1, %%xmm0")                                                        \
    X(psrad, S, "psrad %%xmm1, %%xmm0")                                                        \
    X(psllw_i, S, "psllw $3, %%xmm0")                                                          \
    X(psraw_i, S, "psraw $9, %%xmm0")                                                          \
    X(psrad_i, S, "psrad $33, %%xmm0")                                                         \
    X(psrlq_i, S, "psrlq $13, %%xmm0")                                                         \
    X(pslldq_i, S, "pslldq $5, %%xmm0")                                                        \
    X(psrldq_i, S, "psrldq $11, %%xmm0")                                                       \
    X(pshufd, S, "pshufd $0x1b, %%xmm1, %%xmm0")                                               \
    X(pshuflw, S, "pshuflw $0x72, %%xmm1, %%xmm0")                                             \
    X(pshufhw, S, "pshufhw $0xd8, %%xmm1, %%xmm0")                                             \
    X(cvtss2si32, G, "cvtss2si %%xmm1, %%eax")                                                 \
    X(cvtss2si64, G, "cvtss2si %%xmm1, %%rax")                                                 \
    X(cvttss2si32, G, "cvttss2si %%xmm1, %%eax")                                               \
    X(cvttss2si64, G, "cvttss2si %%xmm1, %%rax")                                               \
    X(cvtsd2si32, G, "cvtsd2si %%xmm1, %%eax")                                                 \
    X(cvtsd2si64, G, "cvtsd2si %%xmm1, %%rax")                                                 \
    X(cvttsd2si32, G, "cvttsd2si %%xmm1, %%eax")                                               \
    X(cvttsd2si64, G, "cvttsd2si %%xmm1, %%rax")                                               \
    X(pmovmskb, G, "pmovmskb %%xmm1, %%eax")                                                   \
    X(movmskps, G, "movmskps %%xmm1, %%eax")                                                   \
    X(movmskpd, G, "movmskpd %%xmm1, %%eax")                                                   \
    X(pextrw, G, "pextrw $5, %%xmm1, %%eax")                                                   \
    X(movd_out, G, "movd %%xmm1, %%eax")                                                       \
    X(movq_out, G, "movq %%xmm1, %%rax")                                                       \
    X(cvtsi2ss32, I, "cvtsi2ssl %%eax, %%xmm0")                                                \
    X(cvtsi2ss64, I, "cvtsi2ssq %%rax, %%xmm0")                                                \
    X(cvtsi2sd32, I, "cvtsi2sdl %%eax, %%xmm0")                                                \
    X(cvtsi2sd64, I, "cvtsi2sdq %%rax, %%xmm0")                                                \
    X(movd_in, I, "movd %%eax, %%xmm0")                                                        \
    X(movq_in, I, "movq %%rax, %%xmm0")                                                        \
    X(pinsrw, I, "pinsrw $6, %%eax, %%xmm0")                                                   \
    X(fadd_sti, F, ".byte 0xdc, 0xc1")  /* FADD ST(1),ST(0) */                               \
    X(fsubr_sti, F, ".byte 0xdc, 0xe1") /* ST(1) = ST(0)-ST(1) */                              \
    X(fsub_sti, F, ".byte 0xdc, 0xe9")  /* ST(1) = ST(1)-ST(0) */                              \
    X(fdivr_sti, F, ".byte 0xdc, 0xf1")                                                        \
    X(fdiv_sti, F, ".byte 0xdc, 0xf9")                                                         \
    X(fmul_sti, F, ".byte 0xdc, 0xc9")                                                         \
    X(fcompp, C, ".byte 0xde, 0xd9")                                                           \
    X(fucompp, C, ".byte 0xda, 0xe9")                                                          \
    X(fcomp, C, ".byte 0xd8, 0xd9")                                                            \
    X(fcomip, C, ".byte 0xdf, 0xf1")                                                           \
    X(fdecstp, F, "fdecstp")                                                                   \
    X(fincstp, F, "fincstp")                                                                   \
    X(ffree, F, "ffree %%st(1)")                                                               \
    X(fst_st1, F, "fst %%st(1)")                                                               \
    X(fstp_st1, F, "fstp %%st(1)")                                                             \
    X(fld_st1, F, "fld %%st(1)")                                                               \
    X(fcmovb, F, "fcmovb %%st(1), %%st")                                                       \
    X(fcmovnbe, F, "fcmovnbe %%st(1), %%st")                                                   \
    X(fcmovu, F, "fcmovu %%st(1), %%st")                                                       \
    X(fldm80, F, "fldt (%%rbx)")                                                               \
    X(fstpm80, M, "fstpt (%%rbx)")                                                             \
    X(fistp16, M, "fistps (%%rbx)")                                                            \
    X(fnstcw, M, "fnstcw (%%rbx)")                                                             \
    X(fprem, C, "fprem")                                                                       \
    X(fprem1, C, "fprem1")                                                                     \
    X(fxtract, F, "fxtract")                                                                   \
    X(fnstsw, M, "fnstsw (%%rbx)")                                                             \
    X(ficom32, C, "ficoml (%%rbx)")                                                            \
    X(fxsave, V, "fxsave (%%rbx)")                                                             \
    X(fxsave64, V, "fxsave64 (%%rbx)")                                                         \
    X(fnstenv, V, "fnstenv (%%rbx)")                                                           \
    X(fnsave, V, "fnsave (%%rbx)")                                                             \
    X(stmxcsr, V, "stmxcsr (%%rbx)")                                                           \
    X(addps_m, S, "addps (%%rbx), %%xmm0")                                                     \
    X(movss_ld, S, "movss (%%rbx), %%xmm0")                                                    \
    X(movsd_ld, S, "movsd (%%rbx), %%xmm0")                                                    \
    X(movlps_ld, S, "movlps (%%rbx), %%xmm0")                                                  \
    X(movhps_ld, S, "movhps (%%rbx), %%xmm0")                                                  \
    X(movlpd_ld, S, "movlpd (%%rbx), %%xmm0")                                                  \
    X(movhpd_ld, S, "movhpd (%%rbx), %%xmm0")                                                  \
    X(movq_ld, S, "movq (%%rbx), %%xmm0")                                                      \
    X(movd_ld, S, "movd (%%rbx), %%xmm0")                                                      \
    X(movdqu_ld, S, "movdqu (%%rbx), %%xmm0")                                                  \
    X(movapd_ld, S, "movapd (%%rbx), %%xmm0")                                                  \
    X(movss_st, S, "movss %%xmm0, (%%rbx)")                                                    \
    X(movsd_st, S, "movsd %%xmm0, (%%rbx)")                                                    \
    X(movlps_st, S, "movlps %%xmm0, (%%rbx)")                                                  \
    X(movhps_st, S, "movhps %%xmm0, (%%rbx)")                                                  \
    X(movq_st, S, "movq %%xmm0, (%%rbx)")                                                      \
    X(movd_st, S, "movd %%xmm0, (%%rbx)")                                                      \
    X(movaps_st, S, "movaps %%xmm0, (%%rbx)")                                                  \
    X(movntdq_st, S, "movntdq %%xmm0, (%%rbx)")                                                \
    X(cvtps2pd_m, S, "cvtps2pd (%%rbx), %%xmm0")                                               \
    X(cvtss2sd_m, S, "cvtss2sd (%%rbx), %%xmm0")                                               \
    X(cvtsi2sd_m32, S, "cvtsi2sdl (%%rbx), %%xmm0")                                            \
    X(cvtsi2ss_m64, S, "cvtsi2ssq (%%rbx), %%xmm0")                                            \
    X(pinsrw_m, S, "pinsrw $2, (%%rbx), %%xmm0")                                               \
    X(pcmpeqb_m, S, "pcmpeqb (%%rbx), %%xmm0")                                                 \
    X(comisd_m, E, "comisd (%%rbx), %%xmm0")                                                   \
    X(cvttsd2si_m, G, "cvttsd2si (%%rbx), %%rax")                                              \
    X(ldmxcsr_x, S, "ldmxcsr (%%rbx)\n\tstmxcsr (%%rbx)")                                     \
    X(comiss, E, "comiss %%xmm1, %%xmm0")                                                      \
    X(ucomiss, E, "ucomiss %%xmm1, %%xmm0")                                                    \
    X(comisd, E, "comisd %%xmm1, %%xmm0")                                                      \
    X(ucomisd, E, "ucomisd %%xmm1, %%xmm0")

#define KIND_F X87
#define KIND_C X87
#define KIND_M X87
#define KIND_S SSE
#define KIND_G SSE
#define KIND_I SSE
#define KIND_E SSE
#define KIND_V SAVE
#define DEFINE(NAME, KIND, INSN) KIND_##KIND(op_##NAME, INSN)
OPS(DEFINE)

struct op {
    const char *name;
    char kind;
    void (*fn)(void);
};
#define ENTRY(NAME, KIND, INSN) {#NAME, #KIND[0], op_##NAME},
static const struct op TABLE[] = {OPS(ENTRY)};
#define NOPS (sizeof TABLE / sizeof TABLE[0])

static void on_fpe(int sig, siginfo_t *si, void *ctx) {
    (void)sig;
    (void)si;
    ucontext_t *uc = (ucontext_t *)ctx;
    FAULT = 1;
    STATUS = uc->uc_mcontext.fpregs->mxcsr;
    memcpy(&R, &uc->uc_mcontext.fpregs->_xmm[0], 16);
    FL = uc->uc_mcontext.gregs[REG_EFL] & 0x8d5;
    RAXV = uc->uc_mcontext.gregs[REG_RAX];
    siglongjmp(JB, 1);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-d") == 0) {
        for (size_t i = 0; i < NOPS; i++) {
            A.lo = A.hi = B.lo = B.hi = 0;
            CTL = TABLE[i].kind == 'F' || TABLE[i].kind == 'C' || TABLE[i].kind == 'M' ? 0x37f : 0x1f80;
            memset(MEMBUF, 0, sizeof MEMBUF);
            RAXV = 0;
            TABLE[i].fn();
            printf("%s %c ", TABLE[i].name, TABLE[i].kind);
            for (const unsigned char *p = S0; p < S1; p++) {
                printf("%02x", *p);
            }
            printf("\n");
        }
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    char name[64];
    unsigned long long ctl, ahi, alo, bhi, blo;
    while (scanf("%63s %llx %llx %llx %llx %llx", name, &ctl, &ahi, &alo, &bhi, &blo) == 6) {
        const struct op *op = NULL;
        for (size_t i = 0; i < NOPS; i++) {
            if (strcmp(TABLE[i].name, name) == 0) {
                op = &TABLE[i];
            }
        }
        if (op == NULL) {
            fprintf(stderr, "unknown op %s\n", name);
            return 2;
        }
        A.hi = ahi;
        A.lo = alo;
        B.hi = bhi;
        B.lo = blo;
        CTL = ctl;
        memset(MEMBUF, 0xa5, sizeof MEMBUF);
        memcpy(MEMBUF, &blo, 8);
        memcpy(MEMBUF + 8, &bhi, 8);
        RAXV = op->kind == 'G' ? bhi : blo;
        FAULT = 0;
        R.lo = R.hi = R2.lo = R2.hi = 0;
        FL = 0;
        if (sigsetjmp(JB, 1) == 0) {
            op->fn();
        }
        u64 mlo, mhi;
        memcpy(&mlo, MEMBUF, 8);
        memcpy(&mhi, MEMBUF + 8, 8);
        printf("%llx %llx %llx %llx %llx %d %llx %llx %llx %llx ", (unsigned long long)R.hi, (unsigned long long)R.lo,
               (unsigned long long)STATUS, (unsigned long long)FL, (unsigned long long)mlo, FAULT,
               (unsigned long long)RAXV, (unsigned long long)mhi, (unsigned long long)R2.hi, (unsigned long long)R2.lo);
        for (int i = 0; i < (op->kind == 'V' ? 512 : 0); i++) {
            printf("%02x", MEMBUF[i]);
        }
        printf("-\n");
    }
    return 0;
}
