package dev.hve.platform.dispatch;

import dev.hve.api.GuestMemory;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.api.extension.HypercallHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes hypercalls to the registered handlers by call number, with KVM's register ABI (number in
 * RAX, arguments in RBX, RCX, RDX, RSI, result in RAX). A number nobody implements returns
 * {@link #UNKNOWN_HYPERCALL} in RAX, as KVM returns -KVM_ENOSYS, so a guest can probe for calls.
 */
public final class HypercallDispatch {

    /** -KVM_ENOSYS (include/uapi/linux/kvm_para.h). */
    public static final long UNKNOWN_HYPERCALL = -1000;

    private final List<HypercallHandler> handlers = new ArrayList<>();

    public void add(HypercallHandler handler) {
        handlers.add(handler);
    }

    /** Carries out the hypercall the vCPU is stopped at and completes the instruction. */
    public void call(Vcpu vcpu, GuestMemory memory) {
        long number = vcpu.register(Register.RAX);
        long result = UNKNOWN_HYPERCALL;
        for (HypercallHandler handler : handlers) {
            if (handler.handles(number)) {
                result = handler.call(number, vcpu.register(Register.RBX), vcpu.register(Register.RCX),
                    vcpu.register(Register.RDX), vcpu.register(Register.RSI), memory);
                break;
            }
        }
        vcpu.setRegister(Register.RAX, result);
        vcpu.completeInstruction();
    }
}
