/**
 * The PC's devices, each with the register set its datasheet defines, and
 * {@link dev.hve.platform.devices.PcChipset}, which wires them onto the buses as a PIIX-era board
 * does.
 */
package dev.hve.platform.devices;
