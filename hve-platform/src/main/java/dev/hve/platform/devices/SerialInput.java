package dev.hve.platform.devices;

import java.io.IOException;
import java.io.InputStream;
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

    /**
     * Waits up to {@code nanos} for a byte to become available; true if one is. Returns at once
     * when the line is {@link #exhausted()}.
     */
    public abstract boolean await(long nanos) throws InterruptedException;

    /** Whether no byte is waiting and none ever will (end of the host stream, or of a script). */
    public abstract boolean exhausted();

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

        @Override
        public boolean exhausted() {
            return !available();
        }
    }

    /**
     * Bytes a reader thread pumps from a host stream into a bounded ring. The reader blocks when
     * the ring is full (the host side waits, as with flow control), and at end of stream the line
     * becomes {@link #exhausted() exhausted} instead of ending the run.
     */
    private static final class Background extends SerialInput {
        private final byte[] ring = new byte[4096];
        private int head;
        private int count;
        private boolean ended;

        Background(InputStream stream, String threadName) {
            Thread reader = new Thread(() -> pump(stream), threadName);
            reader.setDaemon(true);
            reader.start();
        }

        private void pump(InputStream stream) {
            byte[] buffer = new byte[256];
            try {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    for (int i = 0; i < n; i++) {
                        put(buffer[i]);
                    }
                }
            } catch (IOException e) {
                // The host side went away: the line stays idle from now on, as at end of stream.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                end();
            }
        }

        private synchronized void put(byte b) throws InterruptedException {
            while (count == ring.length) {
                wait();
            }
            ring[(head + count) % ring.length] = b;
            count++;
            notifyAll();
        }

        private synchronized void end() {
            ended = true;
            notifyAll();
        }

        @Override
        public synchronized int poll() {
            if (count == 0) {
                return -1;
            }
            int b = ring[head] & 0xFF;
            head = (head + 1) % ring.length;
            count--;
            notifyAll(); // room for the reader
            return b;
        }

        @Override
        public synchronized boolean available() {
            return count > 0;
        }

        @Override
        public synchronized boolean exhausted() {
            return ended && count == 0;
        }

        @Override
        public synchronized boolean await(long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (count == 0 && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return count > 0;
        }
    }
}
