package dev.hve.difftests.harness;

import dev.hve.api.Event;

/** An event arriving at a point of virtual time (the vCPU's retired-instruction count, plus idle time while halted). */
public record Arrival(long time, Event event) {

    @Override
    public String toString() {
        return "@" + time + " " + event;
    }
}
