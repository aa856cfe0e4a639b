package org.multios.kernel.drivers.display;

/**
 * The framebuffer console: a text grid drawn with {@link ConsoleFont} below the boot logo, a
 * cursor (an underline in the cell's colour), scrolling of the text area with the 2D engine's COPY
 * and FILL (CPU copies when there is no engine or it failed), and the VT100/ANSI controls the
 * shell and the utilities send: CR, LF, BS, TAB, and CSI sequences m (SGR: reset, bold,
 * colours 30-37/39/40-47/49/90-97/100-107), H/f, A-D, G, d, J, K. Other sequences are consumed
 * and ignored, as the Linux console ignores what it does not implement.
 * <p>
 * It only mirrors output: input stays on the serial console.
 */
public final class FramebufferConsole {
    /** Our 16-colour palette (x8r8g8b8): black, red, green, brown, blue, magenta, cyan, grey, then the bright set. */
    public static final int[] PALETTE = {
        0x000000, 0xb21818, 0x18b218, 0xb26818, 0x1818b2, 0xb218b2, 0x18b2b2, 0xb2b2b2,
        0x686868, 0xff5454, 0x54ff54, 0xffff54, 0x5454ff, 0xff54ff, 0x54ffff, 0xffffff,
    };
    public static final int DEFAULT_FG = 7, DEFAULT_BG = 0;

    private final BochsDisplayDriver fb;
    private final ConsoleFont font = ConsoleFont.builtIn();
    private final int top, cols, rows;
    private final char[] cells;
    private final byte[] fgs, bgs;
    private Engine2dRing engine;
    private int cx, cy, fg = DEFAULT_FG, bg = DEFAULT_BG;
    private boolean bold, wrapPending, cursorShown;
    private int state; // 0 text, 1 after ESC, 2 in CSI, 3 skip one byte
    private final int[] params = new int[16];
    private int nparams;
    private boolean privateMode;
    private long scrolls, engineScrolls;

    /** A console on {@code fb}'s current mode, text starting {@code top} pixels down (below the logo). */
    public FramebufferConsole(BochsDisplayDriver fb, int top) {
        this.fb = fb;
        this.top = top;
        this.cols = fb.width() / ConsoleFont.WIDTH;
        this.rows = Math.max(1, (fb.height() - top) / ConsoleFont.HEIGHT);
        this.cells = new char[cols * rows];
        this.fgs = new byte[cols * rows];
        this.bgs = new byte[cols * rows];
        this.engine = fb.engine();
        java.util.Arrays.fill(cells, ' ');
        java.util.Arrays.fill(fgs, (byte) DEFAULT_FG);
        clearTextArea(); // whatever the firmware left there (its boot framebuffer)
        showCursor();
    }

    public int columns() { return cols; }
    public int rows() { return rows; }
    /** Pixel row where text row 0 starts. */
    public int top() { return top; }
    public int cursorColumn() { return cx; }
    public int cursorRow() { return cy; }
    /** The character shown at a cell (for tests and debugging). */
    public char charAt(int col, int row) { return cells[row * cols + col]; }
    /** Scrolls so far, and how many of them the 2D engine did. */
    public long scrolls() { return scrolls; }
    public long engineScrolls() { return engineScrolls; }
    public boolean usesEngine() { return engine != null; }

    /** Scroll with CPU copies from now on (what happens when the engine fails; tests compare both paths). */
    void useCpuCopies() { engine = null; }

    /** One byte of console output. */
    public synchronized void putc(int b) {
        b &= 0xff;
        hideCursor();
        switch (state) {
            case 0 -> text(b);
            case 1 -> escape(b);
            case 3 -> state = 0; // the designator after ESC ( ) * + # %
            default -> csi(b);
        }
        showCursor();
    }

    public void write(CharSequence s) { for (int i = 0; i < s.length(); i++) putc(s.charAt(i)); }

    private void text(int b) {
        switch (b) {
            case 0x1b -> state = 1;
            case '\r' -> { cx = 0; wrapPending = false; }
            case '\n', 0x0b, 0x0c -> { wrapPending = false; lineFeed(); }
            case '\b' -> { if (cx > 0) cx--; wrapPending = false; }
            case '\t' -> { cx = Math.min(cols - 1, (cx / 8 + 1) * 8); wrapPending = false; }
            default -> {
                if (b < 0x20 || b == 0x7f) return; // other controls (BEL, SI/SO...) draw nothing
                if (wrapPending) { cx = 0; lineFeed(); wrapPending = false; }
                put(cx, cy, b >= 0x80 ? '?' : (char) b, bold && fg < 8 ? fg + 8 : fg, bg);
                if (cx == cols - 1) wrapPending = true; else cx++;
            }
        }
    }

    private void escape(int b) {
        state = 0;
        switch (b) {
            case '[' -> { state = 2; nparams = 0; privateMode = false; java.util.Arrays.fill(params, -1); }
            case 'c' -> reset();
            case 'D' -> lineFeed();
            case 'M' -> { if (cy > 0) cy--; }
            case 'E' -> { cx = 0; lineFeed(); }
            case '(', ')', '*', '+', '#', '%' -> state = 3; // charset/line-size selection: one more byte, nothing drawn
            default -> { } // charset selection and the like: nothing to draw
        }
    }

    private void csi(int b) {
        if (b == '?' || b == '>' || b == '=') { privateMode = true; return; }
        if (b >= '0' && b <= '9') {
            if (nparams == 0) nparams = 1;
            int i = nparams - 1; // the parameter being typed
            params[i] = Math.min(9999, Math.max(params[i], 0) * 10 + (b - '0'));
            return;
        }
        if (b == ';') { if (nparams == 0) nparams = 1; nparams = Math.min(nparams + 1, params.length); return; }
        if (b < 0x40 || b > 0x7e) { if (b == 0x18 || b == 0x1a) state = 0; return; } // intermediates; CAN/SUB abort
        state = 0;
        if (privateMode) return; // DEC private modes (cursor visibility, ...): not implemented
        wrapPending = false;
        switch (b) {
            case 'm' -> sgr();
            case 'H', 'f' -> { cy = clamp(count(0) - 1, rows); cx = clamp(count(1) - 1, cols); }
            case 'A' -> cy = clamp(cy - count(0), rows);
            case 'B' -> cy = clamp(cy + count(0), rows);
            case 'C' -> cx = clamp(cx + count(0), cols);
            case 'D' -> cx = clamp(cx - count(0), cols);
            case 'G' -> cx = clamp(count(0) - 1, cols);
            case 'd' -> cy = clamp(count(0) - 1, rows);
            case 'J' -> {
                switch (param(0, 0)) {
                    case 0 -> { eraseLine(cy, cx, cols); for (int r = cy + 1; r < rows; r++) eraseLine(r, 0, cols); }
                    case 1 -> { for (int r = 0; r < cy; r++) eraseLine(r, 0, cols); eraseLine(cy, 0, cx + 1); }
                    case 2, 3 -> { for (int r = 0; r < rows; r++) eraseLine(r, 0, cols); }
                    default -> { }
                }
            }
            case 'K' -> {
                switch (param(0, 0)) {
                    case 0 -> eraseLine(cy, cx, cols);
                    case 1 -> eraseLine(cy, 0, cx + 1);
                    case 2 -> eraseLine(cy, 0, cols);
                    default -> { }
                }
            }
            default -> { }
        }
    }

    /** Parameter i, or dflt when it was left out. */
    private int param(int i, int dflt) { return i < nparams && params[i] >= 0 ? params[i] : dflt; }

    /** A count or position parameter: 0 means 1, as in VT100. */
    private int count(int i) { return Math.max(1, param(i, 1)); }

    private static int clamp(int v, int n) { return Math.max(0, Math.min(n - 1, v)); }

    private void sgr() {
        if (nparams == 0) { fg = DEFAULT_FG; bg = DEFAULT_BG; bold = false; return; }
        for (int i = 0; i < nparams; i++) {
            int p = Math.max(params[i], 0);
            if (p == 0) { fg = DEFAULT_FG; bg = DEFAULT_BG; bold = false; }
            else if (p == 1) bold = true;
            else if (p == 22) bold = false;
            else if (p >= 30 && p <= 37) fg = p - 30;
            else if (p == 39) fg = DEFAULT_FG;
            else if (p >= 40 && p <= 47) bg = p - 40;
            else if (p == 49) bg = DEFAULT_BG;
            else if (p >= 90 && p <= 97) fg = p - 90 + 8;
            else if (p >= 100 && p <= 107) bg = p - 100 + 8;
            else if (p == 38 || p == 48) break; // 256-colour/true-colour forms: not in a 16-colour console
        }
    }

    private void reset() {
        fg = DEFAULT_FG; bg = DEFAULT_BG; bold = false; cx = cy = 0;
        for (int r = 0; r < rows; r++) eraseLine(r, 0, cols);
    }

    private void lineFeed() {
        if (cy < rows - 1) { cy++; return; }
        scrollUp();
    }

    /** Moves text rows 1.. up by one and clears the last row: engine COPY + FILL, or CPU copies. */
    private void scrollUp() {
        scrolls++;
        System.arraycopy(cells, cols, cells, 0, cols * (rows - 1));
        System.arraycopy(fgs, cols, fgs, 0, cols * (rows - 1));
        System.arraycopy(bgs, cols, bgs, 0, cols * (rows - 1));
        int last = (rows - 1) * cols;
        java.util.Arrays.fill(cells, last, last + cols, ' ');
        java.util.Arrays.fill(fgs, last, last + cols, (byte) fg);
        java.util.Arrays.fill(bgs, last, last + cols, (byte) bg);
        int w = cols * ConsoleFont.WIDTH, lineH = ConsoleFont.HEIGHT, textH = (rows - 1) * lineH;
        if (engine != null) {
            engine.copy(fb.stride(), 0, top + lineH, 0, top, w, textH);
            engine.fill(fb.stride(), 0, top + textH, w, lineH, PALETTE[bg]);
            if (engine.submitAndWait()) { engineScrolls++; return; }
            engine = null; // a failed or stuck engine: CPU from now on (and redraw what it may have half done)
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) drawCell(c, r);
            return;
        }
        var bus = fb.bus();
        long base = fb.framebuffer(), stride = fb.stride();
        for (int y = top; y < top + textH; y++) {
            long dst = base + y * stride, src = dst + lineH * stride;
            for (int x = 0; x < w * 4; x += 8) bus.write(dst + x, 8, bus.read(src + x, 8));
        }
        long fill = (PALETTE[bg] & 0xffffffffL) | ((long) PALETTE[bg] << 32);
        for (int y = top + textH; y < top + textH + lineH; y++) {
            long dst = base + y * stride;
            for (int x = 0; x < w * 4; x += 8) bus.write(dst + x, 8, fill);
        }
    }

    private void clearTextArea() {
        var bus = fb.bus();
        long fill = (PALETTE[bg] & 0xffffffffL) | ((long) PALETTE[bg] << 32);
        for (int y = top; y < fb.height(); y++) {
            long row = fb.framebuffer() + (long) y * fb.stride();
            for (int x = 0; x + 8 <= fb.width() * 4; x += 8) bus.write(row + x, 8, fill);
        }
    }

    private void eraseLine(int row, int from, int to) {
        for (int c = from; c < Math.min(to, cols); c++) put(c, row, ' ', fg, bg);
    }

    private void put(int col, int row, char ch, int fgc, int bgc) {
        int i = row * cols + col;
        cells[i] = ch;
        fgs[i] = (byte) fgc;
        bgs[i] = (byte) bgc;
        drawCell(col, row);
    }

    private void drawCell(int col, int row) { drawCellRows(col, row, 0, ConsoleFont.HEIGHT); }

    /** Pixel rows [from, to) of a cell from the grid. */
    private void drawCellRows(int col, int row, int from, int to) {
        int i = row * cols + col;
        byte[] g = font.glyph(cells[i]);
        int f = PALETTE[fgs[i]], k = PALETTE[bgs[i]];
        int x0 = col * ConsoleFont.WIDTH, y0 = top + row * ConsoleFont.HEIGHT;
        for (int y = from; y < to; y++) {
            int bits = g[y] & 0xff;
            for (int x = 0; x < ConsoleFont.WIDTH; x++) fb.putPixel(x0 + x, y0 + y, (bits & (0x80 >>> x)) != 0 ? f : k);
        }
    }

    /** The cursor: the cell's bottom two pixel rows in the current foreground colour. */
    private void showCursor() {
        if (cursorShown) return;
        int x0 = cx * ConsoleFont.WIDTH, y0 = top + cy * ConsoleFont.HEIGHT;
        int colour = PALETTE[bold && fg < 8 ? fg + 8 : fg];
        for (int y = ConsoleFont.HEIGHT - 2; y < ConsoleFont.HEIGHT; y++)
            for (int x = 0; x < ConsoleFont.WIDTH; x++) fb.putPixel(x0 + x, y0 + y, colour);
        cursorShown = true;
    }

    private void hideCursor() {
        if (!cursorShown) return;
        drawCellRows(cx, cy, ConsoleFont.HEIGHT - 2, ConsoleFont.HEIGHT); // only the rows the cursor covers
        cursorShown = false;
    }
}
