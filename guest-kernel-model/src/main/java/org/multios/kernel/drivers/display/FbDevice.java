package org.multios.kernel.drivers.display;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.multios.kernel.Errno;
import org.multios.kernel.fs.CharDevice;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.SyntheticInode;
import org.multios.kernel.mm.DeviceMappable;

/**
 * /dev/fb0 (char 29:0), the Linux fbdev interface to the display: FBIOGET_VSCREENINFO and
 * FBIOGET_FSCREENINFO (the structures of linux/fb.h, 64-bit layout), read/write/lseek of video
 * memory, and mmap of the framebuffer's pages ({@link DeviceMappable}).
 */
public final class FbDevice {
    public static final int MAJOR = 29;
    public static final long FBIOGET_VSCREENINFO = 0x4600, FBIOPUT_VSCREENINFO = 0x4601, FBIOGET_FSCREENINFO = 0x4602,
            FBIOPAN_DISPLAY = 0x4606;
    static final int FB_TYPE_PACKED_PIXELS = 0, FB_VISUAL_TRUECOLOR = 2;
    static final int VAR_SIZE = 160, FIX_SIZE = 80;

    private final BochsDisplayDriver fb;
    private final Inode inode = new SyntheticInode(Inode.S_IFCHR | 0660);

    public FbDevice(BochsDisplayDriver fb) { this.fb = fb; }

    /** The /dev node. */
    public CharDevice node() { return new CharDevice(MAJOR, 0, this::open); }

    /** struct fb_var_screeninfo for the current mode (x8r8g8b8: red at bit 16, green 8, blue 0). */
    byte[] varScreenInfo() {
        ByteBuffer b = ByteBuffer.allocate(VAR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(fb.width()).putInt(fb.height()).putInt(fb.width()).putInt(fb.height()); // xres, yres, virtual
        b.putInt(0).putInt(0).putInt(32).putInt(0); // xoffset, yoffset, bits_per_pixel, grayscale
        b.putInt(16).putInt(8).putInt(0); // red bitfield
        b.putInt(8).putInt(8).putInt(0); // green
        b.putInt(0).putInt(8).putInt(0); // blue
        b.putInt(24).putInt(0).putInt(0); // transp: none
        b.putInt(0).putInt(0).putInt(-1).putInt(-1); // nonstd, activate, height/width in mm unknown
        // accel_flags, pixclock (ps), margins and sync lengths, sync, vmode, rotate, colorspace, reserved: zero
        return b.array();
    }

    /** struct fb_fix_screeninfo (80 bytes with the 64-bit unsigned longs). */
    byte[] fixScreenInfo() {
        ByteBuffer b = ByteBuffer.allocate(FIX_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        byte[] id = "bochs-drmfb".getBytes(StandardCharsets.US_ASCII);
        b.put(id);
        b.position(16);
        b.putLong(fb.framebuffer()); // smem_start
        b.putInt((int) Math.min(fb.framebufferSize(), 0xffff_ffffL)); // smem_len
        b.putInt(FB_TYPE_PACKED_PIXELS).putInt(0).putInt(FB_VISUAL_TRUECOLOR);
        b.putShort((short) 0).putShort((short) 0).putShort((short) 0); // no panning through fbdev
        b.position(48);
        b.putInt(fb.stride()); // line_length
        // mmio_start/len (56, 64), accel (68), capabilities (72): none exposed
        return b.array();
    }

    private long visibleBytes() { return (long) fb.stride() * fb.height(); }

    OpenFile open(int flags) { return new FbFile(flags); }

    private final class FbFile extends OpenFile implements DeviceMappable {
        FbFile(int flags) { super(flags); }

        @Override public Inode inode() { return inode; }

        @Override
        public long ioctl(long request, long arg, IoctlMemory mem) {
            if (request == FBIOGET_VSCREENINFO) return mem.write(arg, varScreenInfo()) ? 0 : -Errno.EFAULT;
            if (request == FBIOGET_FSCREENINFO) return mem.write(arg, fixScreenInfo()) ? 0 : -Errno.EFAULT;
            if (request == FBIOPUT_VSCREENINFO || request == FBIOPAN_DISPLAY) {
                // The console owns the mode: accept a request for the current one (what fbset -a would re-apply).
                byte[] want = new byte[VAR_SIZE];
                if (!mem.read(arg, want)) return -Errno.EFAULT;
                ByteBuffer w = ByteBuffer.wrap(want).order(ByteOrder.LITTLE_ENDIAN);
                boolean same = w.getInt(0) == fb.width() && w.getInt(4) == fb.height() && w.getInt(16) == 0 && w.getInt(20) == 0
                        && (request == FBIOPAN_DISPLAY || w.getInt(24) == 32);
                return same ? 0 : -Errno.EINVAL;
            }
            return -Errno.ENOTTY;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = pread(pos, b, off, len);
            pos += n;
            return n;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            int n = pwrite(pos, b, off, len);
            pos += n;
            return n;
        }

        @Override
        public int pread(long at, byte[] b, int off, int len) {
            long n = Math.max(0, Math.min(len, visibleBytes() - at));
            for (int i = 0; i < n; i++) b[off + i] = (byte) fb.bus().read(fb.framebuffer() + at + i, 1);
            return (int) n;
        }

        @Override
        public int pwrite(long at, byte[] b, int off, int len) {
            if (len > 0 && at >= visibleBytes()) throw new org.multios.kernel.KernelException(Errno.ENOSPC);
            long n = Math.max(0, Math.min(len, visibleBytes() - at));
            for (int i = 0; i < n; i++) fb.bus().write(fb.framebuffer() + at + i, 1, b[off + i] & 0xff);
            return (int) n;
        }

        @Override
        public long lseek(long offset, int whence) {
            long base = switch (whence) { case 0 -> 0; case 1 -> pos; case 2 -> visibleBytes(); default -> -1; };
            if (base < 0 || base + offset < 0) throw new org.multios.kernel.KernelException(Errno.EINVAL);
            pos = base + offset;
            return pos;
        }

        @Override
        public long physicalFor(long offset, long length) {
            long size = (fb.framebufferSize() + 4095) & -4096L;
            if (offset < 0 || length <= 0 || offset > size || length > size - offset) return -Errno.EINVAL;
            return fb.framebuffer() + offset;
        }

        @Override public String mappingName() { return "/dev/fb0"; }
    }
}
