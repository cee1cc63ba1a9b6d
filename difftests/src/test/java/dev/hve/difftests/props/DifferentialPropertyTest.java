package dev.hve.difftests.props;

import dev.hve.difftests.gen.ScenarioGen;
import dev.hve.difftests.harness.Differential;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, property (a): the same program with the same intercepts and interrupt arrivals yields,
 * on VMX and on SVM, the same common exits (kind and payload, at the same instruction), the same
 * port/MMIO/MSR/hypercall transactions, the same ending, the same final registers and the same
 * final memory. A failure prints the seed, the shrunk program's disassembly with the diverging
 * instruction marked, the configuration, and the first diverging exit on each side; rerun with
 * {@code -Dhve.pbt.seed=<seed>} to replay it.
 */
class DifferentialPropertyTest {

    @Test
    void vmxAndSvmAgreeOnEveryGeneratedGuest() {
        Pbt.checkScenarios(ScenarioGen.scenarios(), scenario -> Differential.assertSameBehaviour(scenario, Differential.Wrappers.none()));
    }
}
