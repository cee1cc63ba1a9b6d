/**
 * The AMD SVM backend: a model of the silicon AMD APM Vol. 2 chapter 15 describes, behind the
 * common {@link dev.hve.api.Vcpu} interface.
 *
 * <p>Where things are:
 * <ul>
 *   <li>{@link dev.hve.svm.SvmBackendProvider}, {@link dev.hve.svm.SvmVm}, {@link dev.hve.svm.SvmVcpu}: the
 *       common-API face; {@code Vmrun} is the world switch (VMRUN to #VMEXIT).</li>
 *   <li>{@link dev.hve.svm.vmcb}: the VMCB layout (Appendix B), byte-level access to it, and the
 *       VMCB clean bits (§15.15.3): which bytes each covers, and the hypervisor's write path that
 *       clears them. VMRUN keeps its cached copy of a clean area (see {@code Vmrun}).</li>
 *   <li>{@link dev.hve.svm.intercept}: intercept vectors, IOPM, MSRPM, and the encoder from
 *       {@link dev.hve.api.InterceptConfig}.</li>
 *   <li>{@link dev.hve.svm.entry}: VMRUN consistency checks and the guest-state load/save.</li>
 *   <li>{@link dev.hve.svm.exit}: the #VMEXIT record writer (the core's controls), the exit codes
 *       (Appendix C) and the first-level exit handler.</li>
 *   <li>{@link dev.hve.svm.npt}: nested paging, built in modeled host memory.</li>
 *   <li>{@link dev.hve.svm.event}: the EVENTINJ / EXITINTINFO format.</li>
 *   <li>{@link dev.hve.svm.cpu}: what the host CPU reports (CPUID Fn8000_000A and friends).</li>
 * </ul>
 */
package dev.hve.svm;
