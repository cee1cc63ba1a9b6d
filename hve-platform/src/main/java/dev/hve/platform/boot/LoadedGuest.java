package dev.hve.platform.boot;

/** What a loader placed: the entry point and the protocol it entered through, for the log. */
public record LoadedGuest(String protocol, long entry, long imageStart, long imageEnd) {
}
