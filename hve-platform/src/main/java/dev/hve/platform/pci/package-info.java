/** PCI bus 0 behind configuration mechanism #1, with the 440FX host bridge at 00:00.0. */
package dev.hve.platform.pci;
