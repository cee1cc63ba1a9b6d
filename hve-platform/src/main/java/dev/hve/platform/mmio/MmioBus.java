package dev.hve.platform.mmio;

import dev.hve.api.device.MmioDevice;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MMIO bus: non-overlapping guest-physical ranges, each claimed by one device. A read nobody
 * claims returns all ones and a write vanishes, as on a PC where no device decodes the address;
 * each is logged once per address.
 *
 * <p>Lookups are a binary search over sorted arrays, so an access allocates nothing.
 */
public final class MmioBus {

    private static final Logger LOG = LoggerFactory.getLogger(MmioBus.class);
    /** Distinct unclaimed addresses logged before the bus stops remembering them. */
    private static final int MAX_WARNED = 4096;

    private long[] starts = new long[0];
    private long[] ends = new long[0];
    private MmioDevice[] devices = new MmioDevice[0];
    private final Set<Long> warned = new HashSet<>();

    /** Claims {@code [start, start+length)}; overlapping an earlier claim is an error. */
    public void register(long start, long length, MmioDevice device) {
        if (length <= 0 || start < 0 || start + length < start) {
            throw new IllegalArgumentException(String.format("MMIO range 0x%x+0x%x of %s is empty or wraps",
                start, length, device.name()));
        }
        long end = start + length;
        int slot = insertionPoint(start);
        if (slot > 0 && ends[slot - 1] > start) {
            throw overlap(start, end, device, slot - 1);
        }
        if (slot < starts.length && starts[slot] < end) {
            throw overlap(start, end, device, slot);
        }
        starts = insert(starts, slot, start);
        ends = insert(ends, slot, end);
        MmioDevice[] grown = Arrays.copyOf(devices, devices.length + 1);
        System.arraycopy(devices, slot, grown, slot + 1, devices.length - slot);
        grown[slot] = device;
        devices = grown;
    }

    /** Whether a device claims {@code address}. */
    public boolean claims(long address) {
        return find(address) >= 0;
    }

    /** The device claiming {@code address}, or null. */
    public MmioDevice deviceAt(long address) {
        int i = find(address);
        return i < 0 ? null : devices[i];
    }

    public long read(long address, int size) {
        checkSize(size);
        int i = find(address);
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        if (i < 0) {
            warnOnce("read", address);
            return mask;
        }
        return devices[i].read(address - starts[i], size) & mask;
    }

    public void write(long address, int size, long value) {
        checkSize(size);
        int i = find(address);
        if (i < 0) {
            warnOnce("write", address);
            return;
        }
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        devices[i].write(address - starts[i], size, value & mask);
    }

    private int find(long address) {
        int slot = insertionPoint(address + 1) - 1;
        return slot >= 0 && address < ends[slot] ? slot : -1;
    }

    /** The index of the first range starting at or after {@code address} (unsigned compare not needed: addresses are below 2^63). */
    private int insertionPoint(long address) {
        int low = 0;
        int high = starts.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (starts[mid] < address) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private IllegalArgumentException overlap(long start, long end, MmioDevice device, int other) {
        return new IllegalArgumentException(String.format("MMIO 0x%x-0x%x of %s overlaps 0x%x-0x%x of %s", start,
            end - 1, device.name(), starts[other], ends[other] - 1, devices[other].name()));
    }

    private void warnOnce(String what, long address) {
        if (warned.size() < MAX_WARNED && warned.add(address)) {
            LOG.debug("{} of unclaimed MMIO address 0x{} ({})", what, Long.toHexString(address),
                what.equals("read") ? "returns all ones" : "ignored");
        }
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("MMIO access size must be 1, 2, 4 or 8, not " + size);
        }
    }

    private static long[] insert(long[] array, int slot, long value) {
        long[] grown = Arrays.copyOf(array, array.length + 1);
        System.arraycopy(array, slot, grown, slot + 1, array.length - slot);
        grown[slot] = value;
        return grown;
    }
}
