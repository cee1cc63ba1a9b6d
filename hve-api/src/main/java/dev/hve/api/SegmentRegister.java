package dev.hve.api;

/** Segment and system-segment registers, in the x86 encoding order for ES..GS. */
public enum SegmentRegister {
    ES, CS, SS, DS, FS, GS, LDTR, TR
}
