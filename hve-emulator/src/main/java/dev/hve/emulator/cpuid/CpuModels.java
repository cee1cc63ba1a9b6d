package dev.hve.emulator.cpuid;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The selectable host CPU models. */
public final class CpuModels {

    private CpuModels() {
    }

    /** All built-in models, by name. */
    public static List<CpuModel> all() {
        return List.of(intel(), amd());
    }

    public static Optional<CpuModel> byName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return all().stream().filter(m -> m.name().equals(wanted)).findFirst();
    }

    /** An Intel Core model with VMX (CPUID.1:ECX bit 5). */
    public static CpuModel intel() {
        return new TableCpuModel("intel", "GenuineIntel", IntelLeaves.TABLE);
    }

    /** An AMD Zen model with SVM (CPUID.80000001h:ECX bit 2). */
    public static CpuModel amd() {
        return new TableCpuModel("amd", "AuthenticAMD", AmdLeaves.TABLE);
    }
}
