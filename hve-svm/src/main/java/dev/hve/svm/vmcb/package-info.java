/**
 * The VMCB: its layout (AMD APM Vol. 2, Appendix B) and access to it in modeled host memory; the
 * clean bits (§15.15.3, {@link dev.hve.svm.vmcb.CleanBits}) and the hypervisor's writes, which
 * clear them ({@link dev.hve.svm.vmcb.VmcbWriter}).
 */
package dev.hve.svm.vmcb;
