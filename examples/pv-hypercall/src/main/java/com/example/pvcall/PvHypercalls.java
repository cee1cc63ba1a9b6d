package com.example.pvcall;

import dev.hve.api.GuestMemory;
import dev.hve.api.extension.HypercallHandler;
import java.util.zip.CRC32;

/**
 * The calls: {@code 0x100} returns the interface version; {@code 0x101} returns the CRC-32 of
 * {@code length} guest-physical bytes at {@code address}, so a guest can check a buffer without
 * paying for the loop itself. Out-of-range buffers return -14 (-EFAULT), as Linux hypercalls do.
 */
final class PvHypercalls implements HypercallHandler {

    static final long VERSION = 0x100;
    static final long CRC32_OF = 0x101;
    static final long INTERFACE_VERSION = 1;
    private static final long EFAULT = -14;
    private static final long MAX_LENGTH = 1 << 20;

    @Override
    public boolean handles(long number) {
        return number == VERSION || number == CRC32_OF;
    }

    @Override
    public long call(long number, long arg0, long arg1, long arg2, long arg3, GuestMemory guest) {
        if (number == VERSION) {
            return INTERFACE_VERSION;
        }
        long address = arg0;
        long length = arg1;
        if (length < 0 || length > MAX_LENGTH || !guest.isRam(address) || (length > 0 && !guest.isRam(address + length - 1))) {
            return EFAULT;
        }
        byte[] bytes = new byte[(int) length];
        guest.read(address, bytes, 0, bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
