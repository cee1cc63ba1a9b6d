package dev.hve.platform.io;

/**
 * The platform's name for the SDK's port-device contract, {@link dev.hve.api.device.PortDevice}.
 * Built-in devices implement this; extensions implement the SDK interface directly, and the bus
 * takes either.
 */
public interface PortDevice extends dev.hve.api.device.PortDevice {
}
