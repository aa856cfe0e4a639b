package org.multios.devices.nvme;

import java.util.HashMap;
import java.util.Map;

/**
 * Feature values for Get/Set Features (NVMe Base 1.4 §5.21.1). None is saveable; all
 * are changeable. Interrupt coalescing and arbitration weights are kept and reported;
 * the controller posts interrupts without aggregation, which the spec allows (they are
 * hints), and serves queues round-robin (CAP.AMS offers nothing else).
 */
final class NvmeFeatures {
    static final int ARBITRATION = 0x01, POWER_MANAGEMENT = 0x02, TEMPERATURE_THRESHOLD = 0x04,
            ERROR_RECOVERY = 0x05, VOLATILE_WRITE_CACHE = 0x06, NUMBER_OF_QUEUES = 0x07,
            INTERRUPT_COALESCING = 0x08, INTERRUPT_VECTOR_CONFIG = 0x09, WRITE_ATOMICITY = 0x0a,
            ASYNC_EVENT_CONFIG = 0x0b;

    /** Composite temperature the controller reports, in kelvin (about 40 °C). */
    static final int TEMPERATURE_K = 313;
    static final int DEFAULT_OVER_TEMP = 0x157; // 343 K

    private final int maxIoQueues;
    int arbitration, powerState, overTemp, underTemp, errorRecovery, coalescing, writeAtomicity, asyncConfig;
    boolean writeCache;
    int sqAllocated, cqAllocated;
    final Map<Integer, Integer> vectorConfig = new HashMap<>();

    NvmeFeatures(int maxIoQueues) {
        this.maxIoQueues = maxIoQueues;
        reset();
    }

    void reset() {
        arbitration = 0;
        powerState = 0;
        overTemp = DEFAULT_OVER_TEMP;
        underTemp = 0;
        errorRecovery = 0;
        coalescing = 0;
        writeAtomicity = 0;
        asyncConfig = 0;
        writeCache = true;
        sqAllocated = cqAllocated = maxIoQueues; // hosts that never ask get them all
        vectorConfig.clear();
    }

    int queuesDw0() { return (sqAllocated - 1) | (cqAllocated - 1) << 16; }
}
