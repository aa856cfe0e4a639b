/**
 * The {@code multios} command line (picocli): {@code machine}, {@code disasm}, and later
 * {@code boot}, {@code run}, {@code image}, {@code tpm}. Every error reaches the user as one line
 * {@code multios: <message>} on stderr with exit status 2 (usage) or 1 (input); the guest's own
 * exit status is the process's when a machine runs.
 */
package org.multios.cli;
