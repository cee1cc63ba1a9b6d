package dev.hve.platform.fwcfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hve.platform.io.IoPortBus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FwCfgTest {

    private final FwCfg fwCfg = new FwCfg(256L << 20, 3);
    private final IoPortBus bus = new IoPortBus();

    @BeforeEach
    void wire() {
        bus.register(FwCfg.SELECTOR_PORT, FwCfg.PORT_COUNT, fwCfg);
    }

    /** What a guest does: a 16-bit selector write, then byte reads of the data port. */
    private byte[] readItem(int key, int length) {
        bus.write(0x510, 2, key);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) bus.read(0x511, 1);
        }
        return out;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void signatureIdentifiesQemu() {
        assertEquals("QEMU", new String(readItem(FwCfg.SIGNATURE, 4), StandardCharsets.US_ASCII));
        assertEquals(1, le(readItem(FwCfg.ID, 4)).getInt(), "traditional interface, no DMA");
    }

    @Test
    void ramSizeAndCpuCountAreLittleEndian() {
        assertEquals(256L << 20, le(readItem(FwCfg.RAM_SIZE, 8)).getLong());
        assertEquals(3, le(readItem(FwCfg.NB_CPUS, 2)).getShort());
        assertEquals(3, le(readItem(FwCfg.MAX_CPUS, 2)).getShort());
    }

    @Test
    void readsPastTheEndAndOfUnknownKeysReturnZero() {
        byte[] bytes = readItem(FwCfg.SIGNATURE, 6);
        assertEquals(0, bytes[4]);
        assertEquals(0, bytes[5]);
        assertArrayEquals(new byte[3], readItem(0x1234, 3));
    }

    @Test
    void reselectingRewinds() {
        readItem(FwCfg.SIGNATURE, 2);
        assertEquals('Q', readItem(FwCfg.SIGNATURE, 1)[0]);
    }

    @Test
    void fileDirectoryEntriesAreBigEndian() {
        int e820 = fwCfg.addFile("etc/e820", new byte[20]);
        int cmdline = fwCfg.addFile("opt/test/cmdline", "console=ttyS0".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer dir = ByteBuffer.wrap(readItem(FwCfg.FILE_DIR, 4 + 2 * 64)).order(ByteOrder.BIG_ENDIAN);
        assertEquals(2, dir.getInt());
        assertEquals(20, dir.getInt());
        assertEquals(e820, dir.getShort());
        assertEquals(0, dir.getShort());
        byte[] name = new byte[56];
        dir.get(name);
        assertEquals("etc/e820", new String(name, StandardCharsets.US_ASCII).trim().replace("\0", ""));
        assertEquals(13, dir.getInt());
        assertEquals(cmdline, dir.getShort());
        assertEquals(FwCfg.FILE_FIRST + 1, cmdline);
        assertEquals("console=ttyS0", new String(readItem(cmdline, 13), StandardCharsets.US_ASCII));
    }

    @Test
    void fileNamesAreUniqueAndBounded() {
        fwCfg.addFile("a", new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> fwCfg.addFile("a", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> fwCfg.addFile("x".repeat(56), new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> fwCfg.putItem(FwCfg.FILE_DIR, new byte[1]));
    }
}
