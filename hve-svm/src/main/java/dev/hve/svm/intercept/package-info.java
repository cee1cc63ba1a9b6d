/** SVM intercept controls: intercept-vector bits, the IOPM, the MSRPM, and the encoder that fills them. */
package dev.hve.svm.intercept;
