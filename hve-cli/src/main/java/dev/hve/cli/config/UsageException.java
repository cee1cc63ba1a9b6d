package dev.hve.cli.config;

/** Bad input from the user: reported as one line with exit status 2, never a stack trace. */
public final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
