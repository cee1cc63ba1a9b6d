/** VMRUN: consistency checks (AMD APM Vol. 2, §15.5.1) and the guest-state load and save. */
package dev.hve.svm.entry;
