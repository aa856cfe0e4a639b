package org.multios.kernel.syscall;

import java.nio.charset.StandardCharsets;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelLog;
import org.multios.kernel.proc.Task;

/** syslog(2) (the kernel log for dmesg), reboot(2) and sethostname(2). */
final class SystemSyscalls {
    private SystemSyscalls() {}

    // reboot(2): magic numbers and commands (include/uapi/linux/reboot.h)
    static final int MAGIC1 = 0xfee1dead;
    static final int[] MAGIC2 = {672274793, 85072278, 369367448, 537993216};
    static final int CMD_RESTART = 0x01234567, CMD_HALT = 0xcdef0123, CMD_POWER_OFF = 0x4321fedc,
            CMD_CAD_ON = 0x89abcdef, CMD_CAD_OFF = 0;

    static long reboot(Kernel k, Task t, int magic1, int magic2, int cmd) {
        boolean magicOk = magic1 == MAGIC1;
        boolean second = false;
        for (int m : MAGIC2) second |= m == magic2;
        if (!magicOk || !second) return -Errno.EINVAL;
        if (cmd == CMD_CAD_ON || cmd == CMD_CAD_OFF) return 0;
        if (cmd != CMD_RESTART && cmd != CMD_HALT && cmd != CMD_POWER_OFF) return -Errno.EINVAL;
        if (k.power == null) return -Errno.EPERM;
        for (Runnable hook : k.shutdownHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                k.klog.log(KernelLog.ERR, "shutdown hook failed: " + e);
            }
        }
        switch (cmd) {
            case CMD_RESTART -> { k.klog.log(KernelLog.EMERG, "reboot: Restarting system"); k.power.restart(); }
            case CMD_HALT -> { k.klog.log(KernelLog.EMERG, "reboot: System halted"); k.power.halt(); }
            default -> { k.klog.log(KernelLog.EMERG, "reboot: Power down"); k.power.powerOff(); }
        }
        // Like Linux, a successful reboot does not return: the caller sleeps until the machine stops.
        return k.block(t, null, Long.MAX_VALUE, 0);
    }

    static long sethostname(LinuxSyscalls s, Kernel k, long name, long len, Task t) {
        if (len < 0 || len > 64) return -Errno.EINVAL;
        byte[] b = s.in(t, name, len);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        k.hostname = new String(b, 0, n, StandardCharsets.UTF_8);
        return 0;
    }

    // syslog(2) actions (include/linux/syslog.h)
    static final int CLOSE = 0, OPEN = 1, READ = 2, READ_ALL = 3, READ_CLEAR = 4, CLEAR = 5, CONSOLE_OFF = 6,
            CONSOLE_ON = 7, CONSOLE_LEVEL = 8, SIZE_UNREAD = 9, SIZE_BUFFER = 10;

    static long syslog(LinuxSyscalls s, Kernel k, Task t, int action, long buf, long len) {
        KernelLog log = k.klog;
        switch (action) {
            case CLOSE, OPEN -> { return 0; }
            case READ, READ_ALL, READ_CLEAR -> {
                if (len < 0) return -Errno.EINVAL;
                if (len == 0) return 0;
                if (buf == 0) return -Errno.EINVAL;
                int max = (int) Math.min(len, KernelLog.CAPACITY);
                byte[] b;
                if (action == READ) {
                    b = log.readUnread(max);
                    if (b == null) return k.blockRestartable(t, log.readers());
                } else {
                    b = log.readAll(max);
                    if (action == READ_CLEAR) log.clear();
                }
                s.out(t, buf, b);
                return b.length;
            }
            case CLEAR -> { log.clear(); return 0; }
            case CONSOLE_OFF -> { log.setConsoleLevel(1); return 0; }
            case CONSOLE_ON -> { log.setConsoleLevel(7); return 0; }
            case CONSOLE_LEVEL -> {
                if (len < 1 || len > 8) return -Errno.EINVAL;
                log.setConsoleLevel((int) len);
                return 0;
            }
            case SIZE_UNREAD -> { return log.unreadBytes(); }
            case SIZE_BUFFER -> { return log.capacity(); }
            default -> { return -Errno.EINVAL; }
        }
    }
}
