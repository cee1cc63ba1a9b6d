package dev.hve.svm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.spi.BackendProvider;
import dev.hve.api.spi.BackendSelector;
import dev.hve.emulator.cpuid.CpuModels;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class SvmBackendProviderTest {

    private final SvmBackendProvider provider = new SvmBackendProvider();

    @Test
    void discoveredThroughServiceLoader() {
        List<BackendProvider> found = ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("svm")).toList();
        assertEquals(1, found.size());
        assertTrue(found.get(0) instanceof SvmBackendProvider);
    }

    @Test
    void supportsAnAmdHostWithSvm() {
        Optional<String> reason = provider.supports(TestHosts.amd());
        assertTrue(reason.isPresent());
        assertTrue(reason.get().contains("AuthenticAMD"), reason.get());
        assertTrue(reason.get().contains("8000_0001h:ECX[2]"), reason.get());
    }

    @Test
    void refusesIntel() {
        assertTrue(provider.supports(TestHosts.intel()).isEmpty());
    }

    @Test
    void refusesAnAmdHostWithoutTheSvmBit() {
        var noSvm = TestHosts.of(CpuModels.amd(), (leaf, v) -> leaf == 0x8000_0001
            ? new CpuidLeaf(v.eax(), v.ebx(), v.ecx() & ~4, v.edx()) : v);
        assertTrue(provider.supports(noSvm).isEmpty());
    }

    @Test
    void selectedByCpuidOnAmd() {
        BackendSelector selector = new BackendSelector(List.of(provider));
        assertEquals("svm", selector.byCpuid(TestHosts.amd()).orElseThrow().provider().name());
        assertTrue(selector.byCpuid(TestHosts.intel()).isEmpty());
    }

    @Test
    void createsSvmVms() {
        assertEquals("svm", provider.createVm(TestHosts.amd()).backendName());
    }
}
