/**
 * The platform's single time base: {@link dev.hve.platform.clock.VirtualClock}, driven by retired
 * guest instructions (deterministic, the default) or by the host clock, with the timers through
 * which the PIT, RTC, UART and local APICs schedule their next event.
 */
package dev.hve.platform.clock;
