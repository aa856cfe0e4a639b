/**
 * Boards: which devices sit where, how firmware and kernels are loaded, and the tables
 * (device trees, later ACPI) that tell guest software about it. Boards follow QEMU's
 * {@code virt}/{@code q35} machines so that firmware built for QEMU runs unchanged.
 */
package org.multios.boards;
