package dev.hve.cli.config;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;

/**
 * Puts the host terminal in character mode while a guest owns the console, as QEMU's
 * {@code -serial stdio} does: each key goes to the guest's serial line as it is typed, and only
 * the guest echoes it (POSIX termios: {@code -icanon -echo}; {@code stty} applies it to the
 * terminal on standard input). Signals stay on, so Ctrl-C still ends the runner. The previous
 * settings come back when the JVM exits.
 */
public final class TerminalMode {

    private TerminalMode() {
    }

    /**
     * Switches stdin's terminal to character mode if stdin and stdout are a terminal; does nothing
     * otherwise (a pipe, a file, a test's stream), or if {@code stty} is unavailable.
     */
    public static void characterModeWhileRunning() {
        if (System.console() == null) {
            return;
        }
        String saved = stty("-g");
        if (saved == null || stty("-icanon", "-echo", "min", "1", "time", "0") == null) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stty(saved.trim()), "restore-terminal"));
    }

    /** Runs stty on the runner's own terminal; its output, or null if it failed. */
    private static String stty(String... settings) {
        String[] command = new String[settings.length + 1];
        command[0] = "stty";
        System.arraycopy(settings, 0, command, 1, settings.length);
        try {
            Process process = new ProcessBuilder(command).redirectInput(Redirect.INHERIT)
                .redirectError(Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return process.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
