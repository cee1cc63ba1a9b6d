package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.MemoryMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Guest RAM in one array, for loader tests that need no backend. */
final class RamGuestMemory implements GuestMemory {

    private final byte[] ram;
    private final MemoryMap map;

    RamGuestMemory(int bytes) {
        this.ram = new byte[bytes];
        this.map = MemoryMap.ram(bytes);
    }

    private int index(long address, int length) {
        if (address < 0 || address + length > ram.length) {
            throw new IllegalArgumentException(String.format("0x%x+%d outside RAM", address, length));
        }
        return (int) address;
    }

    @Override
    public void read(long guestPhysical, byte[] destination, int offset, int length) {
        System.arraycopy(ram, index(guestPhysical, length), destination, offset, length);
    }

    @Override
    public void write(long guestPhysical, byte[] source, int offset, int length) {
        System.arraycopy(source, offset, ram, index(guestPhysical, length), length);
    }

    @Override
    public long readValue(long guestPhysical, int size) {
        ByteBuffer in = ByteBuffer.wrap(ram).order(ByteOrder.LITTLE_ENDIAN);
        int at = index(guestPhysical, size);
        return switch (size) {
            case 1 -> in.get(at) & 0xFF;
            case 2 -> in.getShort(at) & 0xFFFF;
            case 4 -> in.getInt(at) & 0xFFFF_FFFFL;
            default -> in.getLong(at);
        };
    }

    @Override
    public void writeValue(long guestPhysical, int size, long value) {
        for (int i = 0; i < size; i++) {
            ram[index(guestPhysical + i, 1)] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public boolean isRam(long guestPhysical) {
        return map.isRam(guestPhysical);
    }

    String string(long address) {
        StringBuilder text = new StringBuilder();
        for (int at = index(address, 1); ram[at] != 0; at++) {
            text.append((char) ram[at]);
        }
        return text.toString();
    }
}
