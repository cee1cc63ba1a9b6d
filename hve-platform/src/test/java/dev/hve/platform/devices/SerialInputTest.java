package dev.hve.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Host input for a serial line: bytes from a stream as they come, and a line that ends without ending the run. */
class SerialInputTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void bytesFromAPipeArriveAndEndOfInputExhaustsTheLine() throws IOException, InterruptedException {
        PipedOutputStream host = new PipedOutputStream();
        SerialInput line = SerialInput.background(new PipedInputStream(host), "test-serial-input");
        assertFalse(line.await(TimeUnit.MILLISECONDS.toNanos(20)), "nothing typed yet");
        assertFalse(line.exhausted(), "the pipe is still open");
        host.write("ok".getBytes());
        host.flush();
        assertTrue(line.await(10 * SECOND));
        assertEquals('o', line.poll());
        assertTrue(line.await(10 * SECOND));
        assertEquals('k', line.poll());
        assertEquals(-1, line.poll());
        host.close();
        long start = System.nanoTime();
        assertFalse(line.await(60 * SECOND), "end of input ends the wait");
        assertTrue(System.nanoTime() - start < 30 * SECOND, "without waiting for the timeout");
        assertTrue(line.exhausted());
        assertFalse(line.available());
    }

    @Test
    void noInputAndAFinishedScriptAreExhausted() {
        assertTrue(SerialInput.none().exhausted());
        SerialInput script = SerialInput.scripted(new byte[] {'x'});
        assertFalse(script.exhausted());
        assertEquals('x', script.poll());
        assertTrue(script.exhausted());
    }
}
