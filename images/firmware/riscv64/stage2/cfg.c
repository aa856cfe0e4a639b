/* /boot/multios.cfg: "timeout N", "default N", then "entry TITLE" blocks with "kernel PATH",
 * "initrd PATH", "cmdline TEXT". '#' starts a comment at the start of a line or after blanks. */
#include "stage2.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static char *trim(char *s) {
    while (blank(*s)) s++;
    size_t n = fw_strlen(s);
    while (n && blank(s[n - 1])) s[--n] = 0;
    return s;
}

static int number(const char *s, int *out) {
    int v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000) return -1;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

static void set(char *dst, size_t cap, const char *v, int line, const char *what) {
    if (fw_strlen(v) >= cap) fw_log("warning: multios.cfg line %d: %s longer than %lu bytes, cut", line, what, (unsigned long)cap - 1);
    fw_strlcpy(dst, v, cap);
}

void cfg_parse(char *text, struct boot_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->timeout = 3;
    int line = 0;
    struct boot_entry *cur = 0;
    for (char *p = text; *p;) {
        char *l = p;
        while (*p && *p != '\n') p++;
        if (*p) *p++ = 0;
        line++;
        for (char *c = l; *c; c++)   /* strip the comment */
            if (*c == '#' && (c == l || blank(c[-1]))) { *c = 0; break; }
        l = trim(l);
        if (!*l) continue;
        char *v = l;
        while (*v && !blank(*v)) v++;
        if (*v) *v++ = 0;
        v = trim(v);
        if (!fw_strcmp(l, "timeout") || !fw_strcmp(l, "default")) {
            int n;
            if (number(v, &n)) { fw_log("warning: multios.cfg line %d: '%s' needs a number, not '%s'", line, l, v); continue; }
            if (l[0] == 't') cfg->timeout = n; else cfg->dflt = n;
        } else if (!fw_strcmp(l, "entry")) {
            if (cfg->count == MAX_ENTRIES) { fw_log("warning: multios.cfg line %d: more than %d entries, rest ignored", line, MAX_ENTRIES); cur = 0; continue; }
            cur = &cfg->e[cfg->count++];
            set(cur->title, sizeof cur->title, *v ? v : "(untitled)", line, "title");
        } else if (!fw_strcmp(l, "kernel") || !fw_strcmp(l, "initrd") || !fw_strcmp(l, "cmdline")) {
            if (!cur) { fw_log("warning: multios.cfg line %d: '%s' outside an entry, ignored", line, l); continue; }
            if (l[0] == 'k') set(cur->kernel, sizeof cur->kernel, v, line, "kernel path");
            else if (l[0] == 'i') set(cur->initrd, sizeof cur->initrd, v, line, "initrd path");
            else set(cur->cmdline, sizeof cur->cmdline, v, line, "cmdline");
        } else {
            fw_log("warning: multios.cfg line %d: unknown keyword '%s', ignored", line, l);
        }
    }
    if (cfg->count == 0) fw_die("/boot/multios.cfg has no boot entries");
    if (cfg->dflt >= cfg->count) {
        fw_log("warning: multios.cfg: default %d but only %d entries; using 0", cfg->dflt, cfg->count);
        cfg->dflt = 0;
    }
}
