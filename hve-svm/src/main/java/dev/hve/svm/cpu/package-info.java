/** The modeled host processor as SVM sees it: feature bits and the CPUID source for the core. */
package dev.hve.svm.cpu;
