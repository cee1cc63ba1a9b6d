package dev.hve.cli.run;

import dev.hve.cli.config.ExitStatus;
import dev.hve.cli.config.Console;
import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.cli.backend.StartupSelection;
import dev.hve.platform.dispatch.CpuidPolicy;
import java.io.PrintStream;
import javax.inject.Inject;

/** {@code hve cpuid}: the modeled host's CPUID leaves beside what the guest sees. */
public final class CpuidReport {

    private final StartupSelection selection;
    private final Console console;

    @Inject
    CpuidReport(StartupSelection selection, Console console) {
        this.selection = selection;
        this.console = console;
    }

    public int print() {
        PrintStream out = console.out();
        HostCpu host = selection.host().cpu();
        CpuidPolicy guest = new CpuidPolicy(host);
        out.printf("host CPU model %s (%s)%n", host.name(), host.vendor());
        out.printf("%-10s %-8s  %-35s  %-35s%n", "leaf", "subleaf", "host eax ebx ecx edx", "guest eax ebx ecx edx");
        int maxBasic = host.cpuid(0, 0).eax();
        int maxExtended = host.cpuid(0x8000_0000, 0).eax();
        for (int leaf = 0; leaf <= maxBasic; leaf++) {
            row(out, host, guest, leaf);
        }
        for (int leaf = 0x8000_0000; Integer.compareUnsigned(leaf, maxExtended) <= 0; leaf++) {
            row(out, host, guest, leaf);
        }
        return ExitStatus.CLEAN;
    }

    private static void row(PrintStream out, HostCpu host, CpuidPolicy guest, int leaf) {
        CpuidLeaf h = host.cpuid(leaf, 0);
        CpuidLeaf g = guest.leaf(leaf, 0);
        out.printf("0x%08x %-8d  %s  %s%n", leaf, 0, format(h), format(g));
    }

    private static String format(CpuidLeaf leaf) {
        return String.format("%08x %08x %08x %08x", leaf.eax(), leaf.ebx(), leaf.ecx(), leaf.edx());
    }
}
