package dev.hve.difftests.asm;

import java.util.List;

/** The pretty printer for failure reports: one line per emitted instruction, an arrow at a given RIP. */
public final class Listing {

    private Listing() {
    }

    public static String render(List<Emitted> listing) {
        return render(listing, -1);
    }

    /** Renders the listing, marking the instruction at {@code marked} (for example the diverging RIP). */
    public static String render(List<Emitted> listing, long marked) {
        StringBuilder sb = new StringBuilder();
        for (Emitted e : listing) {
            sb.append(e.address() == marked ? "=> " : "   ").append(e.line()).append('\n');
        }
        return sb.toString();
    }
}
