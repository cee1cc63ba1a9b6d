/**
 * SSE and SSE2 (SDM Vol. 1 ch. 10-11): {@link dev.hve.emulator.simd.SimdUnit} decodes the mandatory
 * prefix and executes over the XMM registers and MXCSR held in {@link dev.hve.emulator.fpu.FpuState}.
 * Wiring: see dev/hve/emulator/fpu/WIRING.md.
 */
package dev.hve.emulator.simd;
