/** The VMCB: its layout (AMD APM Vol. 2, Appendix B) and access to it in modeled host memory. */
package dev.hve.svm.vmcb;
