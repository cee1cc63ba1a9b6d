/** QEMU's fw_cfg firmware configuration interface, so guests written for QEMU find their data. */
package dev.hve.platform.fwcfg;
