package dev.hve.cli.trace;

import dev.hve.api.VendorRecord;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.platform.ExitObserver;
import java.util.List;

/** Forwards every event to several observers, in order. */
public final class ObserverChain implements ExitObserver {

    private final ExitObserver[] observers;

    public ObserverChain(List<ExitObserver> observers) {
        this.observers = observers.toArray(new ExitObserver[0]);
    }

    @Override
    public void exitHandled(long sequence, Vcpu vcpu, long rip, VmExit exit, long portValue, long handlingNanos) {
        for (ExitObserver observer : observers) {
            observer.exitHandled(sequence, vcpu, rip, exit, portValue, handlingNanos);
        }
    }

    @Override
    public boolean wantsInternalExits() {
        for (ExitObserver observer : observers) {
            if (observer.wantsInternalExits()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void internalExit(Vcpu vcpu, long rip, VendorRecord record) {
        for (ExitObserver observer : observers) {
            if (observer.wantsInternalExits()) {
                observer.internalExit(vcpu, rip, record);
            }
        }
    }

    @Override
    public void progress(long retiredInstructions, long elapsedNanos) {
        for (ExitObserver observer : observers) {
            observer.progress(retiredInstructions, elapsedNanos);
        }
    }
}
