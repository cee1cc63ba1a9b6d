package dev.hve.platform.pci;

/**
 * The host bridge at 00:00.0, identified as an Intel 82441FX PMC (440FX chipset: vendor 8086h,
 * device 1237h, revision 02h, class 06/00/00) as QEMU's "pc" machine presents it, so OS drivers
 * that special-case it find familiar IDs. Its chipset registers (PAM, SMRAM, DRAM rows, from 0x50
 * up) hold what the guest writes and control nothing, as RAM is fixed by the memory map.
 */
public final class I440fxHostBridge extends PciConfigSpace {

    public static final int VENDOR_INTEL = 0x8086;
    public static final int DEVICE_82441FX = 0x1237;

    public I440fxHostBridge() {
        super("i440fx-host", VENDOR_INTEL, DEVICE_82441FX, 0x02, 0x060000);
        // Command: memory and bus-master enabled, as the PMC comes out of reset (82441FX datasheet, PCICMD).
        put16(COMMAND, 0x0006);
        // Status: fast back-to-back capable, medium DEVSEL timing.
        put16(STATUS, 0x0280);
        put8(HEADER_TYPE, 0x00);
        allowWrite(COMMAND, 0x40); // parity error response is the one writable bit that matters here
        allowWrite(0x0D, 0xF8);    // latency timer
        for (int offset = 0x50; offset < 0x100; offset++) {
            allowWrite(offset, 0xFF);
        }
    }
}
