package dev.hve.platform.devices;

import dev.hve.platform.io.PortDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port 0x80, the POST diagnostic port: firmware writes progress codes here, and Linux writes it
 * as an I/O delay. Only the last code is kept (and logged at trace level), so the frequent delay
 * writes cost nothing. Reads return the last code, as POST cards display it.
 */
public final class PostCodePort implements PortDevice {

    public static final int PORT = 0x80;
    private static final Logger LOG = LoggerFactory.getLogger(PostCodePort.class);

    private int lastCode;

    @Override
    public String name() {
        return "post";
    }

    @Override
    public long read(int offset, int size) {
        return lastCode;
    }

    @Override
    public void write(int offset, int size, long value) {
        lastCode = (int) value & 0xFF;
        if (LOG.isTraceEnabled()) {
            LOG.trace("POST code 0x{}", Integer.toHexString(lastCode));
        }
    }

    public int lastCode() {
        return lastCode;
    }
}
