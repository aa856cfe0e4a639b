package org.multios.cli;

/** A request we cannot serve because of its input (file, architecture, value); exit status 1. */
public final class UserInputException extends Exception {
    public UserInputException(String message) { super(message); }
}
