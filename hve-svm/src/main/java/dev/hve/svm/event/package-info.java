/** Event injection and interrupted-event reporting: the EVENTINJ / EXITINTINFO format (§15.20, §15.7.2). */
package dev.hve.svm.event;
