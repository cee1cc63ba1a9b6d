package dev.hve.difftests.guest;

/**
 * One generated unit of a guest program: one instruction, or a few that must stay together to
 * be safe (load a pointer, then access through it). Programs are lists of steps, so
 * QuickTheories shrinks a failing program by dropping steps, never by breaking a step apart.
 */
public interface Step {

    void emit(GuestAsm g);
}
