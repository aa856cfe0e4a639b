/**
 * Bus devices modelled on their datasheets and specs (UARTs, RTCs, test/power devices, and later
 * PCIe, NVMe, NICs, TPM), and their host back ends. Devices see the machine only through
 * {@link org.multios.core.bus.MmioDevice} register accesses, interrupt lines and the virtual clock.
 */
package org.multios.devices;
