/** The guest-physical MMIO bus: non-overlapping ranges, each claimed by one device. */
package dev.hve.platform.mmio;
