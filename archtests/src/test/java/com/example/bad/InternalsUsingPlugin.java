package com.example.bad;

/** A deliberately bad plug-in, in test code only: it reaches into the platform's internals. */
public final class InternalsUsingPlugin {

    public Object machine() {
        return dev.hve.platform.machine.Machine.class;
    }
}
