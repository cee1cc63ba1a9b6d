/**
 * The x87 FPU (SDM Vol. 1 ch. 8): architectural state shared with SSE ({@link dev.hve.emulator.fpu.FpuState}),
 * the exact-then-round arithmetic engine ({@link dev.hve.emulator.fpu.FloatCore}), x87 execution
 * ({@link dev.hve.emulator.fpu.X87Unit}), the FXSAVE image ({@link dev.hve.emulator.fpu.FxSave}) and the XSAVE
 * area in its standard form ({@link dev.hve.emulator.fpu.XSave}).
 * How the interpreter calls into it is described in WIRING.md next to this file.
 */
package dev.hve.emulator.fpu;
