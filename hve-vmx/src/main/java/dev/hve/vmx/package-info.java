/**
 * The Intel VT-x backend: a model of VMX as the Intel SDM Vol. 3C describes it, under the common
 * API.
 *
 * <p>Where to look:
 * <ul>
 *   <li>{@link dev.hve.vmx.vmcs.VmcsField} — every VMCS field at its Appendix B encoding;
 *       {@link dev.hve.vmx.vmcs.Vmcs} — VMREAD/VMWRITE, revision identifier, launch state.</li>
 *   <li>{@link dev.hve.vmx.capability.VmxCapabilities} — the capability MSRs (Appendix A).</li>
 *   <li>{@link dev.hve.vmx.controls} — the control-field bits.</li>
 *   <li>{@link dev.hve.vmx.entry} — the VM-entry checks of chapter 27 (errors 7 and 8, exit reason 33).</li>
 *   <li>{@link dev.hve.vmx.cpu.VmxProcessor} — the silicon: VMLAUNCH/VMRESUME, guest-state load and
 *       save, event injection, the preemption timer; {@link dev.hve.vmx.cpu.VmxGuestControls} — the
 *       non-root exit decisions the core consults, which write the exit record.</li>
 *   <li>{@link dev.hve.vmx.ept} — EPT tables, walks, violations and misconfigurations.</li>
 *   <li>{@link dev.hve.vmx.exit} — exit reasons, qualification layouts, and the
 *       {@link dev.hve.vmx.exit.FirstLevelExitHandler} that turns a VMCS exit record into a common exit.</li>
 *   <li>{@link dev.hve.vmx.VmxVcpu} — the hypervisor side: VMCS set-up, the software GPR save area,
 *       intercept encoding ({@link dev.hve.vmx.intercept.InterceptEncoder}), exits the monitor did not
 *       ask for, and re-injection of events interrupted by an exit.</li>
 * </ul>
 */
package dev.hve.vmx;
