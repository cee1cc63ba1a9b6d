package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Boots a bzImage through the Linux x86 boot protocol (Documentation/arch/x86/boot.rst) with the
 * 32-bit entry: the protected-mode kernel is loaded at 1 MiB, a zero page ({@code boot_params})
 * carries the setup header, an e820 memory map, the command line and the initrd, and the CPU
 * enters {@code code32_start} in flat 32-bit protected mode, paging and interrupts off,
 * CS = 0x10 and DS = ES = SS = 0x18 (the protocol's __BOOT_CS/__BOOT_DS), ESI = the zero page.
 */
public final class LinuxBootLoader {

    private static final int BOOT_FLAG_OFFSET = 0x1FE;
    private static final int BOOT_FLAG = 0xAA55;
    private static final int HEADER_OFFSET = 0x202;
    /** "HdrS". */
    private static final int HEADER_MAGIC = 0x5372_6448;
    private static final int SETUP_HEADER_START = 0x1F1;
    /** Protocol 2.06 added cmdline_size; every bzImage of this century has at least that. */
    private static final int MINIMUM_VERSION = 0x0206;
    private static final int LOADED_HIGH = 1;
    private static final int TYPE_OF_LOADER_UNDEFINED = 0xFF;

    // boot_params offsets.
    private static final int E820_ENTRIES = 0x1E8;
    private static final int E820_TABLE = 0x2D0;
    private static final int E820_MAX = 128;
    private static final int TYPE_OF_LOADER = 0x210;
    private static final int LOADFLAGS = 0x211;
    private static final int CODE32_START = 0x214;
    private static final int RAMDISK_IMAGE = 0x218;
    private static final int RAMDISK_SIZE = 0x21C;
    private static final int CMD_LINE_PTR = 0x228;
    private static final int INITRD_ADDR_MAX = 0x22C;
    private static final int CMDLINE_SIZE = 0x238;
    private static final int INIT_SIZE = 0x260;

    static final long KERNEL_ADDRESS = 0x100000;
    static final long BOOT_PARAMS_ADDRESS = 0x10000;
    static final long COMMAND_LINE_ADDRESS = 0x20000;

    public static boolean isBzImage(byte[] image) {
        if (image.length < HEADER_OFFSET + 4) {
            return false;
        }
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        return (in.getShort(BOOT_FLAG_OFFSET) & 0xFFFF) == BOOT_FLAG && in.getInt(HEADER_OFFSET) == HEADER_MAGIC;
    }

    public LoadedGuest load(String name, byte[] image, String commandLine, BootModule initrd, GuestMemory memory,
                            GuestPhysicalLayout layout, Vcpu bootCpu) throws BootException {
        if (!isBzImage(image)) {
            throw new BootException(name + ": not a Linux bzImage (no 0xAA55 boot flag and \"HdrS\" header)");
        }
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int version = in.getShort(0x206) & 0xFFFF;
        if (version < MINIMUM_VERSION) {
            throw new BootException(String.format("%s: boot protocol %d.%02d is older than 2.06, which HVE requires",
                name, version >> 8, version & 0xFF));
        }
        if ((image[LOADFLAGS] & LOADED_HIGH) == 0) {
            throw new BootException(name + ": a zImage (not loaded high); only bzImage kernels are supported");
        }
        int setupSectors = image[SETUP_HEADER_START] & 0xFF;
        if (setupSectors == 0) {
            setupSectors = 4;
        }
        int kernelOffset = (setupSectors + 1) * 512;
        if (kernelOffset >= image.length) {
            throw new BootException(String.format("%s: truncated: %d setup sectors leave no protected-mode kernel in "
                + "%d bytes", name, setupSectors, image.length));
        }
        int headerEnd = HEADER_OFFSET + (image[0x201] & 0xFF);
        int kernelSize = image.length - kernelOffset;
        long initSize = Math.max(kernelSize, in.getInt(INIT_SIZE) & 0xFFFF_FFFFL);
        layout.checkLoadable("protected-mode kernel of " + name + " (init_size)", KERNEL_ADDRESS, initSize);
        memory.write(KERNEL_ADDRESS, image, kernelOffset, kernelSize);

        byte[] zeroPage = new byte[4096];
        System.arraycopy(image, SETUP_HEADER_START, zeroPage, SETUP_HEADER_START, headerEnd - SETUP_HEADER_START);
        ByteBuffer params = ByteBuffer.wrap(zeroPage).order(ByteOrder.LITTLE_ENDIAN);
        params.put(TYPE_OF_LOADER, (byte) TYPE_OF_LOADER_UNDEFINED);
        params.putInt(CODE32_START, (int) KERNEL_ADDRESS);

        long cmdlineMax = (in.getInt(CMDLINE_SIZE) & 0xFFFF_FFFFL);
        String line = commandLine == null ? "" : commandLine;
        byte[] cmdline = (line + "\0").getBytes(StandardCharsets.US_ASCII);
        if (cmdline.length - 1 > cmdlineMax) {
            throw new BootException(String.format("%s: the command line is %d bytes; this kernel accepts at most %d",
                name, cmdline.length - 1, cmdlineMax));
        }
        memory.write(COMMAND_LINE_ADDRESS, cmdline, 0, cmdline.length);
        params.putInt(CMD_LINE_PTR, (int) COMMAND_LINE_ADDRESS);

        if (initrd != null) {
            long maxAddress = Math.min(in.getInt(INITRD_ADDR_MAX) & 0xFFFF_FFFFL, layout.lowRamEnd() - 1);
            long address = (maxAddress + 1 - initrd.contents().length) & ~0xFFFL;
            if (address < KERNEL_ADDRESS + initSize) {
                throw new BootException(String.format("too little memory for the initrd %s (%d bytes) between the "
                    + "kernel's end 0x%x and initrd_addr_max 0x%x", initrd.name(), initrd.contents().length,
                    KERNEL_ADDRESS + initSize, maxAddress));
            }
            layout.checkLoadable("initrd " + initrd.name(), address, initrd.contents().length);
            memory.write(address, initrd.contents(), 0, initrd.contents().length);
            params.putInt(RAMDISK_IMAGE, (int) address);
            params.putInt(RAMDISK_SIZE, initrd.contents().length);
        }
        writeE820(params, layout);
        memory.write(BOOT_PARAMS_ADDRESS, zeroPage, 0, zeroPage.length);

        BootCpuState.protectedMode32(bootCpu, memory, KERNEL_ADDRESS);
        bootCpu.setRegister(Register.RSI, BOOT_PARAMS_ADDRESS);
        bootCpu.setRegister(Register.RBX, 0);
        bootCpu.setRegister(Register.RBP, 0);
        bootCpu.setRegister(Register.RDI, 0);
        return new LoadedGuest("linux-boot-protocol", KERNEL_ADDRESS, KERNEL_ADDRESS, KERNEL_ADDRESS + kernelSize);
    }

    private static void writeE820(ByteBuffer params, GuestPhysicalLayout layout) {
        int entries = 0;
        for (MemoryMap.Region region : layout.memoryMap().regions()) {
            long base = region.guestPhysical();
            if (base == 0) {
                entries = e820(params, entries, 0, GuestPhysicalLayout.LEGACY_HOLE_START, 1);
                entries = e820(params, entries, GuestPhysicalLayout.LEGACY_HOLE_START,
                    GuestPhysicalLayout.LEGACY_HOLE_END - GuestPhysicalLayout.LEGACY_HOLE_START, 2);
                base = GuestPhysicalLayout.LEGACY_HOLE_END;
            }
            if (region.end() > base && entries < E820_MAX) {
                entries = e820(params, entries, base, region.end() - base, 1);
            }
        }
        params.put(E820_ENTRIES, (byte) entries);
    }

    private static int e820(ByteBuffer params, int index, long base, long size, int type) {
        int at = E820_TABLE + 20 * index;
        params.putLong(at, base);
        params.putLong(at + 8, size);
        params.putInt(at + 16, type);
        return index + 1;
    }
}
