/*
 * TPM 2.0 behind a TIS FIFO interface (TCG PC Client Platform TPM Profile, FIFO interface),
 * locality 0, polled (the DT node has no interrupt), and the few TPM 2.0 commands the boot
 * stages send (TCG TPM 2.0 Library Part 3): Startup, PCR_Extend (SHA-256), LoadExternal,
 * VerifySignature (ECDSA P-256), FlushContext. Commands and responses are big-endian.
 */
#include "fw.h"

#define TIS_ACCESS 0x00
#define TIS_STS 0x18
#define TIS_FIFO 0x24
#define ACCESS_REQUEST_USE 0x02
#define ACCESS_ACTIVE 0x20
#define ACCESS_VALID 0x80
#define STS_DATA_AVAIL 0x10
#define STS_GO 0x20
#define STS_COMMAND_READY 0x40
#define STS_VALID 0x80
#define TPM_TIMEOUT_US 2000000

static uintptr_t tis;   /* locality 0 registers; 0 = no TPM */

int tpm_present(void) { return tis != 0; }

int tpm_probe(const void *fdt) {
    int n = fdt_find_compatible(fdt, "tcg,tpm-tis-mmio");
    uint64_t base, size;
    if (n < 0 || fdt_reg(fdt, n, 0, &base, &size) != 0 || size < 0x1000) return -1;
    tis = (uintptr_t)base;
    return 0;
}

uint64_t tpm_base(void) { return tis; }

/* Waits until (reg & mask) == want, bounded in rdtime; dies naming what it waited for. */
static void wait8(unsigned reg, uint8_t mask, uint8_t want, const char *what) {
    uint64_t deadline = fw_rdtime() + fw_timebase_hz * (TPM_TIMEOUT_US / 1000000);
    while ((mmio_r8(tis + reg) & mask) != want)
        if (fw_rdtime() > deadline) fw_die("tpm: timed out waiting for %s (TIS at %lx)", what, (uint64_t)tis);
}

static unsigned burst(void) {
    uint64_t deadline = fw_rdtime() + fw_timebase_hz * (TPM_TIMEOUT_US / 1000000);
    for (;;) {
        unsigned b = mmio_r8(tis + TIS_STS + 1) | (unsigned)mmio_r8(tis + TIS_STS + 2) << 8;
        if (b) return b;
        if (fw_rdtime() > deadline) fw_die("tpm: burst count stays 0");
    }
}

/* Sends one command and reads the response into rsp; returns the response length. */
static size_t tpm_transact(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap) {
    if (!(mmio_r8(tis + TIS_ACCESS) & ACCESS_ACTIVE)) {
        mmio_w8(tis + TIS_ACCESS, ACCESS_REQUEST_USE);
        wait8(TIS_ACCESS, ACCESS_ACTIVE | ACCESS_VALID, ACCESS_ACTIVE | ACCESS_VALID, "locality 0");
    }
    mmio_w8(tis + TIS_STS, STS_COMMAND_READY);
    wait8(TIS_STS, STS_COMMAND_READY, STS_COMMAND_READY, "commandReady");
    for (size_t i = 0; i < len;) {
        unsigned b = burst();
        for (; b && i < len; b--) mmio_w8(tis + TIS_FIFO, cmd[i++]);
    }
    wait8(TIS_STS, STS_VALID, STS_VALID, "stsValid after the command");
    mmio_w8(tis + TIS_STS, STS_GO);
    wait8(TIS_STS, STS_VALID | STS_DATA_AVAIL, STS_VALID | STS_DATA_AVAIL, "the response");
    size_t got = 0, want = 10;
    while (got < want) {
        unsigned b = burst();
        for (; b && got < want; b--) {
            uint8_t v = mmio_r8(tis + TIS_FIFO);
            if (got < cap) rsp[got] = v;
            got++;
            if (got == 6) {
                want = be32(rsp + 2);
                if (want < 10 || want > cap) fw_die("tpm: response of %lu bytes (buffer %lu)", (uint64_t)want, (uint64_t)cap);
            }
        }
    }
    mmio_w8(tis + TIS_STS, STS_COMMAND_READY);   /* back to idle/ready for the next command */
    return got;
}

static uint8_t *put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; return p + 2; }
static uint8_t *put32(uint8_t *p, uint32_t v) { p = put16(p, (uint16_t)(v >> 16)); return put16(p, (uint16_t)v); }
static uint8_t *putn(uint8_t *p, const void *s, size_t n) { memcpy(p, s, n); return p + n; }
/* Writes the command header (size patched by finish) and returns the parameter pointer. */
static uint8_t *header(uint8_t *c, uint16_t tag, uint32_t code) { return put32(put32(put16(c, tag), 0), code); }
static size_t finish(uint8_t *c, uint8_t *end) { size_t n = (size_t)(end - c); put32(c + 2, (uint32_t)n); return n; }

static uint8_t cmdbuf[512], rspbuf[512];

static uint32_t run(uint8_t *end) {
    size_t n = tpm_transact(cmdbuf, finish(cmdbuf, end), rspbuf, sizeof rspbuf);
    (void)n;
    return be32(rspbuf + 6);
}

#define ST_NO_SESSIONS 0x8001
#define ST_SESSIONS 0x8002
#define TPM_RC_INITIALIZE 0x100
#define TPM_ALG_SHA256 0x000B

void tpm_startup(void) {
    uint8_t *p = header(cmdbuf, ST_NO_SESSIONS, 0x144);
    p = put16(p, 0x0000);                       /* TPM_SU_CLEAR */
    uint32_t rc = run(p);
    if (rc == TPM_RC_INITIALIZE) fw_log("tpm: already started (TPM_RC_INITIALIZE)");
    else if (rc) fw_die("tpm: TPM2_Startup(CLEAR) failed: response code %x", rc);
    else fw_log("tpm: TPM2_Startup(CLEAR) at %lx (TIS, locality 0)", (uint64_t)tis);
}

void tpm_pcr_extend(unsigned pcr, const uint8_t digest[32]) {
    uint8_t *p = header(cmdbuf, ST_SESSIONS, 0x182);
    p = put32(p, pcr);                          /* pcrHandle */
    p = put32(p, 9);                            /* authorizationSize: one password session */
    p = put32(p, 0x40000009);                   /* TPM_RS_PW */
    p = put16(p, 0);                            /* nonce */
    *p++ = 0;                                   /* sessionAttributes */
    p = put16(p, 0);                            /* hmac = empty password */
    p = put32(p, 1);                            /* TPML_DIGEST_VALUES.count */
    p = put16(p, TPM_ALG_SHA256);
    p = putn(p, digest, 32);
    uint32_t rc = run(p);
    if (rc) fw_die("tpm: TPM2_PCR_Extend of PCR %u failed: response code %x", pcr, rc);
}

/* Loads an ECDSA P-256 public key (x||y) into the null hierarchy; returns its handle. */
uint32_t tpm_load_p256(const uint8_t xy[64]) {
    uint8_t *p = header(cmdbuf, ST_NO_SESSIONS, 0x167);
    p = put16(p, 0);                            /* inPrivate: none */
    uint8_t *size = p;
    p += 2;
    p = put16(p, 0x0023);                       /* TPM_ALG_ECC */
    p = put16(p, TPM_ALG_SHA256);               /* nameAlg */
    p = put32(p, 0x00040000 | 0x00000040);      /* sign | userWithAuth */
    p = put16(p, 0);                            /* authPolicy */
    p = put16(p, 0x0010);                       /* symmetric: TPM_ALG_NULL */
    p = put16(p, 0x0018);                       /* scheme: TPM_ALG_ECDSA */
    p = put16(p, TPM_ALG_SHA256);
    p = put16(p, 0x0003);                       /* TPM_ECC_NIST_P256 */
    p = put16(p, 0x0010);                       /* kdf: TPM_ALG_NULL */
    p = put16(p, 32);
    p = putn(p, xy, 32);
    p = put16(p, 32);
    p = putn(p, xy + 32, 32);
    put16(size, (uint16_t)(p - size - 2));
    p = put32(p, 0x40000007);                   /* TPM_RH_NULL */
    uint32_t rc = run(p);
    if (rc) fw_die("tpm: TPM2_LoadExternal of the secure boot key failed: response code %x", rc);
    return be32(rspbuf + 10);
}

/* TPM2_VerifySignature of an ECDSA (SHA-256) signature r||s over digest; returns the response code. */
uint32_t tpm_verify_p256(uint32_t key, const uint8_t digest[32], const uint8_t rs[64]) {
    uint8_t *p = header(cmdbuf, ST_NO_SESSIONS, 0x177);
    p = put32(p, key);
    p = put16(p, 32);
    p = putn(p, digest, 32);
    p = put16(p, 0x0018);                       /* TPM_ALG_ECDSA */
    p = put16(p, TPM_ALG_SHA256);
    p = put16(p, 32);
    p = putn(p, rs, 32);
    p = put16(p, 32);
    p = putn(p, rs + 32, 32);
    return run(p);
}

void tpm_flush(uint32_t handle) {
    uint8_t *p = header(cmdbuf, ST_NO_SESSIONS, 0x165);
    p = put32(p, handle);
    uint32_t rc = run(p);
    if (rc) fw_die("tpm: TPM2_FlushContext(%x) failed: response code %x", handle, rc);
}
