package dev.hve.platform.boot;

/** A guest image cannot be booted; the message says why in one line, naming the file and address. */
public final class BootException extends Exception {

    private static final long serialVersionUID = 1L;

    public BootException(String message) {
        super(message);
    }
}
