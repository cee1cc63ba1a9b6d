package dev.hve.cli.host;

import dev.hve.api.HostCpu;

/** The modeled host CPU for this run, and why it was chosen. */
public record HostCpuChoice(HostCpu cpu, String reason) {
}
