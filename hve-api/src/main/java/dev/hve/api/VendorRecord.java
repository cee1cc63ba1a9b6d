package dev.hve.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vendor's own record of the last exit, exactly as the backend wrote it into its control
 * structure: for VMX the basic exit reason with the exit qualification and related fields, for
 * SVM the EXITCODE with EXITINFO1 and EXITINFO2. It exists for traces and diagnostics; monitor
 * logic must never branch on it.
 *
 * @param reason the VMX basic exit reason or the SVM EXITCODE
 * @param fields further fields by their manual names (lower case), in a stable order
 */
public record VendorRecord(String backend, long reason, Map<String, Long> fields) {

    public VendorRecord {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
