package dev.hve.platform.fwcfg;

import dev.hve.platform.io.PortDevice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU's firmware configuration device, traditional (non-DMA) interface on x86 (QEMU
 * docs/specs/fw_cfg: "Selector Register", "Data Register", "Firmware Configuration Items"): a
 * 16-bit write to the selector at 0x510 picks an item and rewinds it; each 8-bit read of the
 * data port 0x511 returns its next byte, then zeros past the end. Firmware and test guests find
 * the RAM size, the CPU count and named files (the directory at key 0x19) here, as under QEMU.
 *
 * <p>Claims 0x510-0x511: offset 0 is the selector, offset 1 the data port. Data-port writes,
 * which QEMU 2.4 dropped, are ignored; the DMA interface is not offered (FW_CFG_ID bit 1 clear).
 */
public final class FwCfg implements PortDevice {

    public static final int SELECTOR_PORT = 0x510;
    public static final int PORT_COUNT = 2;

    public static final int SIGNATURE = 0x0000;
    public static final int ID = 0x0001;
    public static final int UUID = 0x0002;
    public static final int RAM_SIZE = 0x0003;
    public static final int NOGRAPHIC = 0x0004;
    public static final int NB_CPUS = 0x0005;
    public static final int MAX_CPUS = 0x000F;
    public static final int FILE_DIR = 0x0019;
    public static final int FILE_FIRST = 0x0020;
    /** Entries of the file directory: be32 size, be16 select, be16 reserved, 56-byte name. */
    public static final int FILE_NAME_LENGTH = 56;
    private static final int MAX_FILES = 0x4000 - FILE_FIRST;
    /** Traditional interface only. */
    private static final int ID_TRADITIONAL = 1;

    private record FileEntry(String name, int select, byte[] data) { }

    private final Map<Integer, byte[]> items = new HashMap<>();
    private final List<FileEntry> files = new ArrayList<>();
    private byte[] current = new byte[0];
    private int position;
    private int selector;

    /**
     * @param ramBytes all guest RAM (FW_CFG_RAM_SIZE)
     * @param cpus     vCPUs present at boot (FW_CFG_NB_CPUS and FW_CFG_MAX_CPUS)
     */
    public FwCfg(long ramBytes, int cpus) {
        items.put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(ID, le(ID_TRADITIONAL, 4));
        items.put(UUID, new byte[16]);
        items.put(RAM_SIZE, le(ramBytes, 8));
        items.put(NOGRAPHIC, le(1, 2));
        items.put(NB_CPUS, le(cpus, 2));
        items.put(MAX_CPUS, le(cpus, 2));
        rebuildDirectory();
        select(SIGNATURE);
    }

    @Override
    public String name() {
        return "fw_cfg";
    }

    /** Sets a numbered item (replacing any earlier one), such as an x86 key from 0x8000 up. */
    public void putItem(int key, byte[] data) {
        if (key == FILE_DIR || (key >= FILE_FIRST && key < FILE_FIRST + MAX_FILES)) {
            throw new IllegalArgumentException(String.format("fw_cfg key 0x%x is reserved for files", key));
        }
        items.put(key & 0xFFFF, data.clone());
    }

    /** Adds a named file (such as {@code "etc/e820"}); returns its selector. Names are unique. */
    public int addFile(String name, byte[] data) {
        byte[] encoded = name.getBytes(StandardCharsets.US_ASCII);
        if (encoded.length >= FILE_NAME_LENGTH) {
            throw new IllegalArgumentException("fw_cfg file name longer than 55 bytes: " + name);
        }
        for (FileEntry file : files) {
            if (file.name().equals(name)) {
                throw new IllegalArgumentException("fw_cfg file already present: " + name);
            }
        }
        if (files.size() == MAX_FILES) {
            throw new IllegalStateException("fw_cfg file directory full");
        }
        int select = FILE_FIRST + files.size();
        files.add(new FileEntry(name, select, data.clone()));
        items.put(select, data.clone());
        rebuildDirectory();
        return select;
    }

    /** The bytes of item {@code key} as the guest would read them, or null. */
    public byte[] item(int key) {
        byte[] data = items.get(key);
        return data == null ? null : data.clone();
    }

    private void rebuildDirectory() {
        ByteBuffer dir = ByteBuffer.allocate(4 + files.size() * 64).order(ByteOrder.BIG_ENDIAN);
        dir.putInt(files.size());
        for (FileEntry file : files) {
            dir.putInt(file.data().length);
            dir.putShort((short) file.select());
            dir.putShort((short) 0);
            byte[] name = new byte[FILE_NAME_LENGTH];
            byte[] encoded = file.name().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(encoded, 0, name, 0, encoded.length);
            dir.put(name);
        }
        items.put(FILE_DIR, dir.array());
    }

    private void select(int key) {
        selector = key & 0xFFFF;
        // Bit 14 (write) and bit 15 (architecture-local) are part of the key itself.
        byte[] data = items.get(selector);
        current = data == null ? new byte[0] : data;
        position = 0;
    }

    @Override
    public long read(int offset, int size) {
        if (offset == 0) {
            return size == 1 ? 0xFF : selector;
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            int b = position < current.length ? current[position] & 0xFF : 0;
            if (position < current.length) {
                position++;
            }
            value |= (long) b << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int offset, int size, long value) {
        if (offset == 0) {
            select((int) value);
        }
    }

    private static byte[] le(long value, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (value >>> (8 * i));
        }
        return out;
    }
}
