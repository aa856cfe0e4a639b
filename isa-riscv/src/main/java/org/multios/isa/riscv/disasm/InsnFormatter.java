package org.multios.isa.riscv.disasm;

import org.multios.isa.riscv.decode.DisasmRule;
import org.multios.isa.riscv.decode.EncodingPattern;
import org.multios.isa.riscv.decode.RvDecoder;
import org.multios.isa.riscv.decode.RvInsn;
import org.multios.isa.riscv.decode.RvOp;

/**
 * Renders one decoded instruction with the disassembly rules of its table pattern, in
 * objdump's text. Operand kinds are those the table's notation describes; where
 * objdump's printing of an operand also feeds its address hints (the {@code # addr}
 * comments after {@code auipc}/{@code lui} sequences), the same operand does so here.
 */
final class InsnFormatter {
    static final String[] GPR = {
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
    static final String[] FPR = {
        "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
        "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
    private static final String[] RM = {"rne", "rtz", "rdn", "rup", "rmm", null, null, "dyn"};
    private static final String[] FENCE_SET = {
        null, "w", "r", "rw", "o", "ow", "or", "orw", "i", "iw", "ir", "irw", "io", "iow", "ior", "iorw"};

    private InsnFormatter() {}

    /**
     * The instruction's text: mnemonic, a tab and the operands (no tab when there are
     * none). {@code hints} may be null.
     */
    static String format(RvInsn insn, long pc, AddressFormat addresses, IsaProfile profile, AddressHints hints) {
        EncodingPattern p = RvDecoder.table().find(insn.raw);
        if (p == null || !enabled(p, profile)) return unknown(insn);
        for (DisasmRule rule : p.disasm()) {
            if (!rule.matches(insn)) continue;
            StringBuilder sb = new StringBuilder(32);
            expand(rule.mnemonic(), insn, pc, addresses, profile, hints, sb);
            if (!rule.operands().isEmpty()) {
                sb.append('\t');
                expand(rule.operands(), insn, pc, addresses, profile, hints, sb);
            }
            if (hints != null && hints.takePending()) {
                sb.append(" # ").append(addresses.format(hints.pendingAddress()));
            }
            return sb.toString();
        }
        return unknown(insn);
    }

    private static boolean enabled(EncodingPattern p, IsaProfile profile) {
        for (String e : p.extensions()) {
            if (!profile.has(e)) return false;
        }
        return true;
    }

    /** objdump's text for an encoding it has no instruction for. */
    static String unknown(RvInsn insn) {
        long raw = insn.raw & (insn.length == 2 ? 0xffffL : 0xffffffffL);
        return "." + insn.length + "byte\t0x" + Long.toHexString(raw);
    }

    private static void expand(String template, RvInsn insn, long pc, AddressFormat addresses, IsaProfile profile,
                               AddressHints hints, StringBuilder sb) {
        int i = 0, n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c != '{') {
                sb.append(c);
                i++;
                continue;
            }
            int end = template.indexOf('}', i);
            operand(template.substring(i + 1, end), insn, pc, addresses, profile, hints, sb);
            i = end + 1;
        }
    }

    private static void operand(String spec, RvInsn insn, long pc, AddressFormat addresses, IsaProfile profile,
                                AddressHints hints, StringBuilder sb) {
        switch (spec) {
            case "rm" -> {
                if (insn.rm != 7) sb.append(',').append(RM[insn.rm] != null ? RM[insn.rm] : "unknown");
                return;
            }
            case "aqrl" -> {
                if (insn.aq()) sb.append(insn.rl() ? ".aqrl" : ".aq");
                else if (insn.rl()) sb.append(".rl");
                return;
            }
            default -> { }
        }
        int colon = spec.indexOf(':');
        String kind = spec.substring(0, colon);
        String slot = spec.substring(colon + 1);
        long v = switch (slot) {
            case "rd" -> insn.rd;
            case "rs1" -> insn.rs1;
            case "rs2" -> insn.rs2;
            case "rs3" -> insn.rs3;
            case "rm" -> insn.rm;
            case "imm" -> insn.imm;
            case "raw" -> insn.raw & (insn.length == 2 ? 0xffffL : 0xffffffffL);
            default -> throw new IllegalStateException("unknown slot in disassembly template: " + slot);
        };
        switch (kind) {
            case "x" -> {
                if (hints != null) registerHint(slot, insn, pc, hints);
                sb.append(GPR[(int) v]);
            }
            case "f" -> sb.append(FPR[(int) v]);
            case "d" -> {
                if (hints != null && slot.equals("imm")) immediateHint(insn, hints);
                sb.append(v);
            }
            case "u" -> sb.append(v);
            case "h" -> sb.append("0x").append(Long.toHexString(v));
            case "hi" -> sb.append("0x").append(Long.toHexString((v >> 12) & 0xfffff));
            case "t" -> sb.append(addresses.format(pc + v));
            case "csr" -> sb.append(CsrNames.of((int) v, profile.privSpec()));
            case "pred" -> fenceSet((int) (v >> 4) & 15, sb);
            case "succ" -> fenceSet((int) v & 15, sb);
            default -> throw new IllegalStateException("unknown operand kind in disassembly template: " + kind);
        }
    }

    private static void fenceSet(int bits, StringBuilder sb) {
        sb.append(FENCE_SET[bits] != null ? FENCE_SET[bits] : "unknown");
    }

    /** objdump's 'd' operand records lui/auipc results; its 's' operand of jalr uses them. */
    private static void registerHint(String slot, RvInsn insn, long pc, AddressHints hints) {
        RvOp op = insn.op;
        if (slot.equals("rd")) {
            if (op == RvOp.AUIPC) hints.setHigh(insn.rd, pc + insn.imm);
            else if (op == RvOp.LUI) hints.setHigh(insn.rd, insn.imm);
        } else if (slot.equals("rs1") && op == RvOp.JALR && insn.length == 4) {
            hints.maybePrint(insn.rs1, insn.imm, false);
        }
    }

    /** objdump's 'o', 'q', 'j' and RVC 'Cj' immediates try to resolve a base register. */
    private static void immediateHint(RvInsn insn, AddressHints hints) {
        RvOp op = insn.op;
        if (insn.length == 2) {
            // c.addi and c.addiw only (objdump checks their encodings, not c.li and friends)
            if ((insn.raw & 0xe003) == 0x0001 && insn.rd != 0) hints.maybePrint(insn.rd, insn.imm, false);
            if ((insn.raw & 0xe003) == 0x2001 && insn.rd != 0) hints.maybePrint(insn.rd, insn.imm, true);
            return;
        }
        switch (op) {
            case LB, LH, LW, LD, LBU, LHU, LWU, FLW, FLD, SB, SH, SW, SD, FSW, FSD ->
                    hints.maybePrint(insn.rs1, insn.imm, false);
            case JALR -> {
                hints.maybePrint(insn.rs1, insn.imm, false);
                hints.maybePrint(insn.rs1, insn.imm, false);
            }
            case ADDI -> {
                if (insn.rs1 != 0) hints.maybePrint(insn.rs1, insn.imm, false);
            }
            case ADDIW -> {
                if (insn.rs1 != 0) hints.maybePrint(insn.rs1, insn.imm, true);
            }
            default -> { }
        }
    }
}
