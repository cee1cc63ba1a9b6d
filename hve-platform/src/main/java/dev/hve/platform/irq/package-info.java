/**
 * Interrupt delivery: device {@link dev.hve.platform.irq.IrqLine}s into the 8259A pair
 * ({@link dev.hve.platform.irq.PicPair}) and the {@link dev.hve.platform.irq.Ioapic}, APIC
 * messages over the {@link dev.hve.platform.irq.ApicBus} to each vCPU's
 * {@link dev.hve.platform.irq.LocalApic}, and the machine loop's view of it all:
 * {@link dev.hve.platform.irq.InterruptController} and {@link dev.hve.platform.irq.InterruptInjector}.
 */
package dev.hve.platform.irq;
