package dev.hve.cli.trace;

import dev.hve.api.VendorRecord;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.platform.ExitObserver;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --trace-exits}: one JSON object per line per exit. Common fields first (seq, vcpu,
 * backend, kind, rip), then the vendor record as the backend wrote it (reason, and
 * qualification or exitinfo1/exitinfo2 ...), then the kind's payload. Exits the backend carried
 * out itself get a line of kind {@code internal} with the vendor record and no {@code seq}: the
 * sequence numbers count the common exits only, so they line up across backends.
 */
public final class ExitTraceWriter implements ExitObserver, Closeable {

    /** The {@code kind} of a line for an exit the backend carried out itself. */
    public static final String INTERNAL_KIND = "internal";

    private final BufferedWriter out;
    private final StringBuilder line = new StringBuilder(256);

    public ExitTraceWriter(Path file) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    @Override
    public void exitHandled(long sequence, Vcpu vcpu, long rip, VmExit exit, long portValue, long handlingNanos) {
        line.setLength(0);
        line.append("{\"seq\":").append(sequence).append(',');
        appendRecord(vcpu, exit.kind().label(), rip, vcpu.lastExitRecord());
        ExitPayload.append(line, exit, portValue);
        writeLine();
    }

    @Override
    public boolean wantsInternalExits() {
        return true;
    }

    @Override
    public void internalExit(Vcpu vcpu, long rip, VendorRecord record) {
        line.setLength(0);
        line.append('{');
        appendRecord(vcpu, INTERNAL_KIND, rip, record);
        writeLine();
    }

    private void appendRecord(Vcpu vcpu, String kind, long rip, VendorRecord record) {
        line.append("\"vcpu\":").append(vcpu.index())
            .append(",\"backend\":\"").append(record.backend()).append('"')
            .append(",\"kind\":\"").append(kind).append('"')
            .append(",\"rip\":").append(Long.toUnsignedString(rip))
            .append(",\"reason\":").append(record.reason());
        for (Map.Entry<String, Long> field : record.fields().entrySet()) {
            line.append(",\"").append(field.getKey()).append("\":").append(Long.toUnsignedString(field.getValue()));
        }
    }

    private void writeLine() {
        line.append("}\n");
        try {
            out.write(line.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the exit trace", e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
