/*
 * Measured boot: the TCG event log in the crypto-agile format of the TCG PC Client Platform
 * Firmware Profile (section 10): a TCG_PCR_EVENT header (SHA-1 format) carrying the Spec ID
 * event "Spec ID Event03" (one algorithm, SHA-256), then one TCG_PCR_EVENT2 per measurement
 * with its SHA-256 digest. Stage 1 starts the log in a reserved RAM range; stage 2 appends to
 * it (base and used size arrive in a2/a3). Every event is extended into the TPM first.
 * Little-endian throughout (the log is host memory, not TPM wire format).
 */
#include "fw.h"

static uint8_t *log_base;
static uint32_t log_used, log_cap;

uint64_t tcglog_base(void) { return (uintptr_t)log_base; }
uint32_t tcglog_size(void) { return log_used; }

static void append(const void *p, size_t n) {
    if (log_used + n > log_cap) fw_die("tcg event log full (%u of %u bytes used)", log_used, log_cap);
    memcpy(log_base + log_used, p, n);
    log_used += (uint32_t)n;
}

void tcglog_init(void *base, uint32_t cap) {
    log_base = base;
    log_cap = cap;
    log_used = 0;
    uint8_t h[32 + 33];
    memset(h, 0, sizeof h);
    put_le32(h + 0, 0);                 /* PCR 0 */
    put_le32(h + 4, EV_NO_ACTION);
    /* h + 8: 20-byte SHA-1 digest, zero */
    put_le32(h + 28, 33);               /* eventSize */
    uint8_t *e = h + 32;
    memcpy(e, "Spec ID Event03", 16);   /* with its NUL */
    put_le32(e + 16, 0);                /* platformClass: client */
    e[20] = 0;                          /* specVersionMinor */
    e[21] = 2;                          /* specVersionMajor */
    e[22] = 0;                          /* specErrata */
    e[23] = 2;                          /* uintnSize: UINT64 */
    put_le32(e + 24, 1);                /* numberOfAlgorithms */
    e[28] = 0x0B; e[29] = 0;            /* TPM_ALG_SHA256 */
    e[30] = 32; e[31] = 0;              /* digestSize */
    e[32] = 0;                          /* vendorInfoSize */
    append(h, sizeof h);
}

void tcglog_attach(void *base, uint32_t used, uint32_t cap) {
    log_base = base;
    log_used = used;
    log_cap = cap;
    if (used < 65 || used > cap || memcmp(log_base + 32, "Spec ID Event03", 16) != 0)
        fw_die("tcg event log at %lx (%u bytes) from stage 1 is not a crypto-agile log", (uint64_t)(uintptr_t)base, used);
}

void tcglog_event(unsigned pcr, uint32_t type, const uint8_t digest[32], const void *event, uint32_t len) {
    tpm_pcr_extend(pcr, digest);
    uint8_t h[4 + 4 + 4 + 2 + 32 + 4];
    put_le32(h, pcr);
    put_le32(h + 4, type);
    put_le32(h + 8, 1);                 /* TPML_DIGEST_VALUES.count */
    h[12] = 0x0B; h[13] = 0;
    memcpy(h + 14, digest, 32);
    put_le32(h + 46, len);
    append(h, sizeof h);
    append(event, len);
}

void tcglog_measure(unsigned pcr, uint32_t type, const void *data, uint64_t len, const char *event) {
    uint32_t evlen = (uint32_t)fw_strlen(event);
    uint8_t d[32];
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, data, len);
    sha256_final(&s, d);
    tcglog_event(pcr, type, d, event, evlen);
    fw_log("tpm: PCR %u extended with %02x%02x%02x%02x... (%s)", pcr, d[0], d[1], d[2], d[3], event);
}

void tcglog_separators(unsigned first, unsigned last) {
    static const uint8_t zero[4];
    uint8_t d[32];
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, zero, 4);
    sha256_final(&s, d);
    for (unsigned p = first; p <= last; p++) tcglog_event(p, EV_SEPARATOR, d, zero, 4);
}

/* ---- verified boot ---- */

/* An ECDSA-Sig-Value (RFC 3279: SEQUENCE { INTEGER r, INTEGER s }) into 32-byte r || s. */
static int der_int(const uint8_t **p, const uint8_t *end, uint8_t out[32]) {
    if (end - *p < 2 || (*p)[0] != 0x02) return -1;
    size_t n = (*p)[1];
    const uint8_t *v = *p + 2;
    if (n == 0 || n > 33 || (size_t)(end - v) < n) return -1;
    *p = v + n;
    while (n > 32 && *v == 0) { v++; n--; }
    if (n > 32) return -1;
    memset(out, 0, 32);
    memcpy(out + 32 - n, v, n);
    return 0;
}

int ecdsa_der_to_rs(const uint8_t *der, size_t len, uint8_t rs[64]) {
    if (len < 8 || der[0] != 0x30 || der[1] != len - 2) return -1;
    const uint8_t *p = der + 2, *end = der + len;
    if (der_int(&p, end, rs) || der_int(&p, end, rs + 32) || p != end) return -1;
    return 0;
}

static uint8_t sigbuf[80];

void secure_boot_verify(const uint8_t key_xy[64], const char *path, const uint8_t digest[32]) {
    char sigpath[160];
    fw_snprintf(sigpath, sizeof sigpath, "%s.sig", path);
    struct mfs_inode n;
    if (mfs_lookup(sigpath, &n) != 0) fw_die("secure boot: %s is not signed (%s not found on the boot partition)", path, sigpath);
    if (n.size < 8 || n.size > sizeof sigbuf) fw_die("secure boot: %s is not an ECDSA signature (%lu bytes)", sigpath, n.size);
    mfs_read(&n, sigpath, 0, sigbuf, n.size);
    uint8_t rs[64];
    if (ecdsa_der_to_rs(sigbuf, n.size, rs) != 0) fw_die("secure boot: %s is not a DER ECDSA-Sig-Value", sigpath);
    uint32_t key = tpm_load_p256(key_xy);
    uint32_t rc = tpm_verify_p256(key, digest, rs);
    tpm_flush(key);
    if (rc) fw_die("secure boot: %s failed verification: its signature %s does not match (TPM2_VerifySignature response code %x)", path, sigpath, rc);
    fw_log("secure boot: %s verified (ECDSA P-256, TPM2_VerifySignature)", path);
}

/* The enrolled key: /chosen/multios,secure-boot-key (64 bytes, P-256 x || y); NULL when
 * /chosen/multios,secure-boot is absent. Dies when secure boot is on without a usable key. */
const uint8_t *secure_boot_key(const void *fdt) {
    int len, chosen = fdt_path(fdt, "/chosen");
    if (chosen < 0 || !fdt_prop(fdt, chosen, "multios,secure-boot", &len)) return 0;
    const uint8_t *k = fdt_prop(fdt, chosen, "multios,secure-boot-key", &len);
    if (!k || len != 64) fw_die("secure boot: no enrolled key (/chosen/multios,secure-boot-key must be a 64-byte P-256 point)");
    if (!tpm_present()) fw_die("secure boot: no TPM (tcg,tpm-tis-mmio) to verify signatures with");
    return k;
}

void sha256_of(const void *p, uint64_t n, uint8_t out[32]) {
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, p, n);
    sha256_final(&s, out);
}
