/** #VMEXIT: exit codes, the record the controls write as hardware does, and the first-level exit handler. */
package dev.hve.svm.exit;
