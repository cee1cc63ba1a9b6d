package dev.hve.platform.devices;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bytes waiting to arrive at a UART's serial input. {@link #poll()} never blocks, so the vCPU
 * thread that emulates the UART can take input without stopping; only a machine with nothing
 * else to do calls {@link #await(long)}.
 */
public abstract class SerialInput {

    /** The next byte, or -1 when none is waiting now. */
    public abstract int poll();

    /** Whether {@link #poll()} would return a byte now. */
    public abstract boolean available();

    /** Waits up to {@code nanos} for a byte to become available; true if one is. */
    public abstract boolean await(long nanos) throws InterruptedException;

    /** No input line connected. */
    public static SerialInput none() {
        return new Scripted(new byte[0]);
    }

    /** A fixed script of input, available at once: deterministic, for tests and record/replay. */
    public static SerialInput scripted(byte[] bytes) {
        return new Scripted(bytes.clone());
    }

    /** {@link #background} for a stream, {@link #none()} for null: what a machine config usually holds. */
    public static SerialInput of(InputStream streamOrNull) {
        return streamOrNull == null ? none() : background(streamOrNull, "serial-input");
    }

    /**
     * Input read from {@code stream} (stdin, a socket) by a daemon thread into a bounded queue, so
     * reads that block on the host never block the guest.
     */
    public static SerialInput background(InputStream stream, String threadName) {
        return new Background(stream, threadName);
    }

    private static final class Scripted extends SerialInput {
        private final byte[] bytes;
        private int next;

        Scripted(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int poll() {
            return next < bytes.length ? bytes[next++] & 0xFF : -1;
        }

        @Override
        public boolean available() {
            return next < bytes.length;
        }

        @Override
        public boolean await(long nanos) {
            return available();
        }
    }

    private static final class Background extends SerialInput {
        private final ArrayBlockingQueue<Byte> queue = new ArrayBlockingQueue<>(4096);
        /** One byte taken from the queue by {@link #await} and not yet polled, or -1. */
        private int held = -1;

        Background(InputStream stream, String threadName) {
            Thread reader = new Thread(() -> pump(stream), threadName);
            reader.setDaemon(true);
            reader.start();
        }

        private void pump(InputStream stream) {
            byte[] buffer = new byte[256];
            try {
                int n;
                while ((n = stream.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        queue.put(buffer[i]);
                    }
                }
            } catch (IOException e) {
                // The host side went away: the line simply stays idle from now on.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public int poll() {
            if (held >= 0) {
                int b = held;
                held = -1;
                return b;
            }
            Byte b = queue.poll();
            return b == null ? -1 : b & 0xFF;
        }

        @Override
        public boolean available() {
            return held >= 0 || !queue.isEmpty();
        }

        @Override
        public boolean await(long nanos) throws InterruptedException {
            if (available()) {
                return true;
            }
            Byte b = queue.poll(nanos, TimeUnit.NANOSECONDS);
            if (b == null) {
                return false;
            }
            held = b & 0xFF;
            return true;
        }
    }
}
