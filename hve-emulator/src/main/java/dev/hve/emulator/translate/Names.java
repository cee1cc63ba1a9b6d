package dev.hve.emulator.translate;

/** Internal names and descriptors of the classes and members compiled blocks use. */
final class Names {

    static final String INTERPRETER = "dev/hve/emulator/exec/Interpreter";
    static final String STATE = "dev/hve/emulator/cpu/CpuState";
    static final String BLOCK = "dev/hve/emulator/decode/DecodedBlock";
    static final String COMPILED = "dev/hve/emulator/exec/CompiledBlock";
    static final String ALU = "dev/hve/emulator/exec/Alu";
    static final String CONDITIONS = "dev/hve/emulator/exec/Conditions";
    static final String EXIT_SIGNAL = "dev/hve/emulator/exec/ExitSignal";
    static final String RUNS = "dev/hve/emulator/exec/CompiledRuns";
    static final String FLAT_DATA = "dev/hve/emulator/exec/FlatData";
    static final String HOST_MEMORY = "dev/hve/emulator/memory/HostMemory";
    /** The generated class: in the interpreter's package, whose helpers it calls. */
    static final String GENERATED = "dev/hve/emulator/exec/TranslatedBlock";

    static final String STATE_DESC = "L" + STATE + ";";
    static final String BLOCK_DESC = "L" + BLOCK + ";";
    static final String RUNS_DESC = "L" + RUNS + ";";
    static final String RUN_DESC = "(L" + INTERPRETER + ";" + STATE_DESC + "[JI)I";

    private Names() {
    }
}
