package dev.hve.platform.boot;

/** A file handed to the guest beside its kernel (a multiboot module or an initrd), with its command line. */
public record BootModule(String name, byte[] contents, String commandLine) {
}
