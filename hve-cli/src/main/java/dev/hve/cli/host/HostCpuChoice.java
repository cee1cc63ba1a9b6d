package dev.hve.cli.host;

/** The modeled host CPU for this run, and why it was chosen. */
public record HostCpuChoice(ModeledHostCpu cpu, String reason) {
}
