package org.multios.kernel.drivers.display;

import java.util.List;
import org.multios.kernel.Kernel;
import org.multios.kernel.drivers.nvme.PolledWait;
import org.multios.kernel.drivers.pci.PciHost;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.TmpFs;

/**
 * Display bring-up on the boot path: find the PCI display, set the mode ({@code video=WxH} on
 * the command line, else 1024x768), draw the boot logo, start the framebuffer console and add
 * /dev/fb0. Without a display (or when it cannot be driven) the kernel runs on the serial console
 * alone; nothing here ever stops the boot.
 */
public final class KernelDisplay {
    public static final int DEFAULT_WIDTH = 1024, DEFAULT_HEIGHT = 768;

    private final BochsDisplayDriver driver;
    private final FramebufferConsole console;

    private KernelDisplay(BochsDisplayDriver driver, FramebufferConsole console) {
        this.driver = driver;
        this.console = console;
    }

    public BochsDisplayDriver driver() { return driver; }
    public FramebufferConsole console() { return console; }

    /** Starts the display if there is one; null otherwise (logged when something is wrong). */
    public static KernelDisplay start(Kernel k, FdtReader dt, String commandLine) {
        BochsDisplayDriver d;
        try {
            List<PciHost> hosts = PciHost.fromDeviceTree(k.mem.bus(), dt);
            d = BochsDisplayDriver.probe(hosts, k.mem, k.frames, new PolledWait(k.clock));
        } catch (RuntimeException e) {
            k.log.println("multios: display: " + e.getMessage());
            return null;
        }
        if (d == null) return null;
        int[] want = videoMode(commandLine);
        int w = want != null ? want[0] : DEFAULT_WIDTH, h = want != null ? want[1] : DEFAULT_HEIGHT;
        if (!d.setMode(w, h)) {
            k.log.println("multios: display: " + w + "x" + h + "x32 does not fit " + (d.framebufferSize() >> 20) + " MiB; using "
                    + DEFAULT_WIDTH + "x" + DEFAULT_HEIGHT);
            if (!d.setMode(DEFAULT_WIDTH, DEFAULT_HEIGHT)) return null;
        }
        BootLogo.draw(d);
        FramebufferConsole con = new FramebufferConsole(d, BootLogo.BAND);
        return new KernelDisplay(d, con);
    }

    /** Adds /dev/fb0 to the devfs directory at /dev. */
    public void registerDevice(Kernel k) {
        try {
            Inode dev = k.vfs.resolve(k.vfs.root(), "/dev", true).inode();
            if (dev instanceof TmpFs.Dir dir) dir.attach("fb0", new FbDevice(driver).node());
        } catch (RuntimeException e) {
            k.log.println("multios: display: no /dev for fb0: " + e.getMessage());
        }
    }

    /** {@code video=WxH} (also Linux's {@code video=NAME:WxH[-BPP][@RATE]} form), or null. */
    public static int[] videoMode(String commandLine) {
        if (commandLine == null) return null;
        int[] found = null;
        for (String word : commandLine.trim().split("\\s+")) {
            if (!word.startsWith("video=")) continue;
            String v = word.substring(6);
            int colon = v.lastIndexOf(':');
            if (colon >= 0) v = v.substring(colon + 1);
            var m = java.util.regex.Pattern.compile("(\\d{1,5})x(\\d{1,5})").matcher(v);
            if (m.lookingAt()) found = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
        }
        return found;
    }
}
