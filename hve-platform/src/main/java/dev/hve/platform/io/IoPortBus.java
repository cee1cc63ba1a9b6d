package dev.hve.platform.io;

import dev.hve.api.device.PortDevice;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O-port bus: non-overlapping port ranges, each claimed by one device. Unclaimed reads
 * return all ones and unclaimed writes vanish, as on a PC's ISA bus, each logged once per port.
 */
public final class IoPortBus {

    private static final Logger LOG = LoggerFactory.getLogger(IoPortBus.class);

    private record Claim(int first, int count, PortDevice device) {
        boolean overlaps(int otherFirst, int otherCount) {
            return otherFirst < first + count && first < otherFirst + otherCount;
        }
    }

    private final List<Claim> claims = new ArrayList<>();
    /** Direct lookup: the device for each of the 65536 ports, or null. */
    private final PortDevice[] byPort = new PortDevice[65536];
    private final int[] baseByPort = new int[65536];
    private final BitSet warned = new BitSet(65536);

    /** Claims {@code count} ports from {@code first}; overlapping an earlier claim is an error. */
    public void register(int first, int count, PortDevice device) {
        if (first < 0 || count <= 0 || first + count > 65536) {
            throw new IllegalArgumentException(String.format("port range 0x%x+%d is outside 0..0xffff", first, count));
        }
        for (Claim claim : claims) {
            if (claim.overlaps(first, count)) {
                throw new IllegalArgumentException(String.format(
                    "ports 0x%x-0x%x of %s overlap ports 0x%x-0x%x of %s", first, first + count - 1, device.name(),
                    claim.first(), claim.first() + claim.count() - 1, claim.device().name()));
            }
        }
        claims.add(new Claim(first, count, device));
        for (int port = first; port < first + count; port++) {
            byPort[port] = device;
            baseByPort[port] = first;
        }
    }

    public long read(int port, int size) {
        PortDevice device = byPort[port & 0xFFFF];
        long mask = size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
        if (device == null) {
            if (!warned.get(port)) {
                warned.set(port);
                LOG.debug("read of unclaimed port 0x{} returns all ones", Integer.toHexString(port));
            }
            return mask;
        }
        return device.read(port - baseByPort[port], size) & mask;
    }

    public void write(int port, int size, long value) {
        PortDevice device = byPort[port & 0xFFFF];
        if (device == null) {
            if (!warned.get(port)) {
                warned.set(port);
                LOG.debug("write of unclaimed port 0x{} ignored", Integer.toHexString(port));
            }
            return;
        }
        long mask = size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
        device.write(port - baseByPort[port], size, value & mask);
    }
}
