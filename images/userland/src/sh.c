/* sh: the MultiOS shell. A small POSIX-style shell:
 *   lists with ; & && || and newlines, pipelines (with !), ( subshells ), { groups; },
 *   if/elif/else/fi, while/until/do/done, for NAME in WORDS; do ...; done,
 *   redirections [n]< [n]> [n]>> [n]<> [n]>&m [n]<&m (m may be -), quoting ' " \,
 *   $VAR ${VAR} ${VAR:-w} ${VAR-w} ${VAR:=w} ${VAR:+w} ${VAR:?w} ${#VAR}, $? $$ $! $# $0..$9 $@ $*,
 *   $((arithmetic)), $(command) and `command`, ~, field splitting, globbing,
 *   job control (process groups, TTY foreground group) when the terminal supports it.
 * Applets of mbox run in the forked child without execve (as busybox's "standalone shell"
 * does): it is faster, and it lets the shell run under qemu-user, which cannot exec a
 * foreign-architecture binary. Anything else is found on PATH and execve'd.
 *
 * Structure: input -> tokens (lazily, so reserved words are seen only where a command starts)
 * -> a tree of nodes (parse_*) -> run_node. Words stay raw (quotes included) in the tree and
 * are expanded when they run, so "$?" sees the status of the command before it. */
#include "lib.h"
#include "applets.h"
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* ---------- arena for per-command memory ---------- */

struct chunk { struct chunk *next; size_t used, cap; char data[]; };
static struct chunk *arena;

static void *amalloc(size_t n) {
    n = (n + 15) & ~(size_t) 15;
    if (!arena || arena->used + n > arena->cap) {
        size_t cap = n > 16384 ? n : 16384;
        struct chunk *c = xmalloc(sizeof *c + cap);
        c->next = arena; c->used = 0; c->cap = cap; arena = c;
    }
    void *p = arena->data + arena->used;
    arena->used += n;
    return p;
}

static void arena_reset(void) {
    while (arena) { struct chunk *n = arena->next; free(arena); arena = n; }
}

static char *astrndup(const char *s, size_t n) { char *d = amalloc(n + 1); memcpy(d, s, n); d[n] = 0; return d; }

/* growable string in the arena's spirit, but malloc'd (freed by the owner) */
struct str { char *s; size_t n, cap; };
static void str_addn(struct str *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) { b->cap = (b->n + n + 1) * 2 + 32; b->s = xrealloc(b->s, b->cap); }
    memcpy(b->s + b->n, s, n); b->n += n; b->s[b->n] = 0;
}
static void str_addc(struct str *b, char c) { str_addn(b, &c, 1); }
static void str_adds(struct str *b, const char *s) { str_addn(b, s, strlen(s)); }
static char *str_take_arena(struct str *b) { char *r = astrndup(b->s ? b->s : "", b->n); free(b->s); b->s = 0; b->n = b->cap = 0; return r; }

/* ---------- shell state ---------- */

struct var { char *name, *val; int exported; };
static struct var *vars; static int nvars, capvars;
static char **pos_args; static int npos;     /* $1..$n */
static const char *arg0 = "sh";
static int last_status, interactive, jobctl, tty_fd = -1;
static pid_t shell_pgid, root_pid, last_bg = 0;
static int exp_error;                        /* set by expansion errors: the command does not run */
static int loop_depth, break_n, continue_n, exit_requested = -1;
static int opt_errexit, opt_xtrace, cond_depth;   /* set -e, set -x; inside a condition -e does not apply */
static int func_depth, returning;            /* inside a function; `return` unwinds to its caller */
struct func { char *name, *body; };
/* `local`: the values a function's locals hid, restored when it returns */
struct saved_var { char *name, *val; int exported, had, depth; };
static struct saved_var *locals; static int nlocals, caplocals;
static struct func *funcs; static int nfuncs;

static struct var *var_find(const char *name, size_t len) {
    for (int i = 0; i < nvars; i++) if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0) return &vars[i];
    return 0;
}

static const char *var_get(const char *name) { struct var *v = var_find(name, strlen(name)); return v ? v->val : 0; }

static void var_set(const char *name, size_t nlen, const char *val, int exported) {
    struct var *v = var_find(name, nlen);
    if (!v) {
        if (nvars == capvars) { capvars = capvars * 2 + 16; vars = xrealloc(vars, sizeof *vars * (size_t) capvars); }
        v = &vars[nvars++];
        v->name = xmalloc(nlen + 1); memcpy(v->name, name, nlen); v->name[nlen] = 0;
        v->val = 0; v->exported = 0;
    }
    if (val) { char *nv = xstrdup(val); free(v->val); v->val = nv; }
    if (exported) v->exported = 1;
}

static void var_unset(const char *name) {
    struct var *v = var_find(name, strlen(name));
    if (!v) return;
    free(v->name); free(v->val);
    *v = vars[--nvars];
}

static char **build_env(void) {
    int n = 0;
    for (int i = 0; i < nvars; i++) if (vars[i].exported && vars[i].val) n++;
    char **env = amalloc(sizeof(char *) * (size_t) (n + 1));
    n = 0;
    for (int i = 0; i < nvars; i++) if (vars[i].exported && vars[i].val) {
        size_t a = strlen(vars[i].name), b = strlen(vars[i].val);
        char *e = amalloc(a + b + 2);
        memcpy(e, vars[i].name, a); e[a] = '='; memcpy(e + a + 1, vars[i].val, b + 1);
        env[n++] = e;
    }
    env[n] = 0;
    return env;
}

static int is_name_start(int c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_name_char(int c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

/* NAME=value at the start of a raw word? returns the length of NAME or 0 */
static size_t assignment_name(const char *w) {
    if (!is_name_start(*w)) return 0;
    size_t i = 1;
    while (is_name_char(w[i])) i++;
    return w[i] == '=' ? i : 0;
}

/* ---------- tokens ---------- */

enum tok { T_WORD, T_NEWLINE, T_SEMI, T_DSEMI, T_AMP, T_AND, T_OR, T_PIPE, T_LPAREN, T_RPAREN, T_REDIR, T_EOF };

struct redir {
    int fd; int kind; char *word; struct redir *next;
    char *delim; int quoted, strip;   /* here-document: word becomes the body (read after the line) */
};
enum { R_IN, R_OUT, R_APPEND, R_RDWR, R_DUPOUT, R_DUPIN, R_HEREDOC };

struct lexer {
    const char *s; size_t pos;
    int incomplete;          /* ran out of input inside a construct */
    const char *error;       /* syntax error text */
    /* the current (peeked) token */
    int have; enum tok t; char *word; int rfd, rkind;
    size_t tstart;           /* where the current token starts (job texts) */
    int rstrip;              /* <<- */
    struct redir *pending[16]; int npending;   /* here-documents whose bodies follow the next newline */
};

static int is_meta(int c) { return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')'; }

/* Skips a nested $( ... ), ${ ... } or `...` construct starting at s[i] (which is just past the opener);
 * returns the index just past its closer, or -1 when the input ends first. */
static long skip_nested(const char *s, size_t i, char close);

static long skip_dquote(const char *s, size_t i) {   /* i just past the opening " */
    while (s[i]) {
        if (s[i] == '\\' && s[i + 1]) { i += 2; continue; }
        if (s[i] == '"') return (long) i + 1;
        if (s[i] == '$' && s[i + 1] == '(') { long j = skip_nested(s, i + 2, ')'); if (j < 0) return -1; i = (size_t) j; continue; }
        if (s[i] == '$' && s[i + 1] == '{') { long j = skip_nested(s, i + 2, '}'); if (j < 0) return -1; i = (size_t) j; continue; }
        if (s[i] == '`') { long j = skip_nested(s, i + 1, '`'); if (j < 0) return -1; i = (size_t) j; continue; }
        i++;
    }
    return -1;
}

static long skip_nested(const char *s, size_t i, char close) {
    int depth = 1;
    while (s[i]) {
        char c = s[i];
        if (c == '\\' && s[i + 1]) { i += 2; continue; }
        if (close == '`') { if (c == '`') return (long) i + 1; i++; continue; }
        if (c == '\'') { const char *q = strchr(s + i + 1, '\''); if (!q) return -1; i = (size_t) (q - s) + 1; continue; }
        if (c == '"') { long j = skip_dquote(s, i + 1); if (j < 0) return -1; i = (size_t) j; continue; }
        if (c == '$' && (s[i + 1] == '(' || s[i + 1] == '{')) { long j = skip_nested(s, i + 2, s[i + 1] == '(' ? ')' : '}'); if (j < 0) return -1; i = (size_t) j; continue; }
        if (c == '`') { long j = skip_nested(s, i + 1, '`'); if (j < 0) return -1; i = (size_t) j; continue; }
        if (close == ')' && c == '(') depth++;
        else if (c == close && --depth == 0) return (long) i + 1;
        i++;
    }
    return -1;
}

/* After a newline: the bodies of the here-documents started on that line, each up to its
 * delimiter line (leading tabs removed for <<-). Input that ends first is incomplete. */
static void read_heredocs(struct lexer *L) {
    const char *s = L->s;
    for (int k = 0; k < L->npending; k++) {
        struct redir *r = L->pending[k];
        size_t body_start = L->pos;
        char *body = amalloc(strlen(s + body_start) + 1);
        size_t bn = 0;
        int found = 0;
        while (s[L->pos]) {
            const char *line = s + L->pos, *nl = strchr(line, '\n');
            size_t len = nl ? (size_t) (nl - line) : strlen(line);
            L->pos += len + (nl ? 1 : 0);
            const char *t = line; size_t tl = len;
            if (r->strip) while (tl > 0 && *t == '\t') { t++; tl--; }
            if (tl == strlen(r->delim) && !strncmp(t, r->delim, tl)) { found = 1; break; }
            memcpy(body + bn, t, tl); bn += tl; body[bn++] = '\n';
        }
        body[bn] = 0;
        r->word = body;
        if (!found) { L->incomplete = 1; return; }
    }
    L->npending = 0;
}

static void lex_next(struct lexer *L) {
    const char *s = L->s;
    size_t i = L->pos;
    L->have = 1; L->word = 0;
    for (;;) {
        while (s[i] == ' ' || s[i] == '\t') i++;
        if (s[i] == '\\' && s[i + 1] == '\n') { i += 2; continue; }
        if (s[i] == '#') { while (s[i] && s[i] != '\n') i++; }
        break;
    }
    char c = s[i];
    L->tstart = i;
    if (!c) { L->t = T_EOF; L->pos = i; return; }
    if (c == '\n') { L->t = T_NEWLINE; L->pos = i + 1; read_heredocs(L); return; }
    if (c == ';') { if (s[i + 1] == ';') { L->t = T_DSEMI; L->pos = i + 2; } else { L->t = T_SEMI; L->pos = i + 1; } return; }
    if (c == '&') { if (s[i + 1] == '&') { L->t = T_AND; L->pos = i + 2; } else { L->t = T_AMP; L->pos = i + 1; } return; }
    if (c == '|') { if (s[i + 1] == '|') { L->t = T_OR; L->pos = i + 2; } else { L->t = T_PIPE; L->pos = i + 1; } return; }
    if (c == '(') { L->t = T_LPAREN; L->pos = i + 1; return; }
    if (c == ')') { L->t = T_RPAREN; L->pos = i + 1; return; }
    /* an IO number: digits directly followed by < or > */
    size_t j = i; int fd = -1;
    while (s[j] >= '0' && s[j] <= '9') j++;
    if (j > i && (s[j] == '<' || s[j] == '>')) { fd = atoi(s + i); i = j; c = s[i]; }
    if (c == '<' || c == '>') {
        L->t = T_REDIR;
        if (c == '<') {
            L->rfd = fd < 0 ? 0 : fd;
            if (s[i + 1] == '&') { L->rkind = R_DUPIN; i += 2; }
            else if (s[i + 1] == '>') { L->rkind = R_RDWR; i += 2; }
            else if (s[i + 1] == '<') { L->rkind = R_HEREDOC; L->rstrip = s[i + 2] == '-'; i += L->rstrip ? 3 : 2; }
            else { L->rkind = R_IN; i += 1; }
        } else {
            L->rfd = fd < 0 ? 1 : fd;
            if (s[i + 1] == '>') { L->rkind = R_APPEND; i += 2; }
            else if (s[i + 1] == '&') { L->rkind = R_DUPOUT; i += 2; }
            else if (s[i + 1] == '|') { L->rkind = R_OUT; i += 2; }
            else { L->rkind = R_OUT; i += 1; }
        }
        L->pos = i;
        return;
    }
    /* a word */
    size_t start = i;
    while (s[i] && !is_meta((unsigned char) s[i])) {
        char d = s[i];
        if (d == '\\') { if (!s[i + 1]) { L->incomplete = 1; break; } i += 2; continue; }
        if (d == '\'') { const char *q = strchr(s + i + 1, '\''); if (!q) { L->incomplete = 1; i = strlen(s); break; } i = (size_t) (q - s) + 1; continue; }
        if (d == '"') { long k = skip_dquote(s, i + 1); if (k < 0) { L->incomplete = 1; i = strlen(s); break; } i = (size_t) k; continue; }
        if (d == '$' && (s[i + 1] == '(' || s[i + 1] == '{')) { long k = skip_nested(s, i + 2, s[i + 1] == '(' ? ')' : '}'); if (k < 0) { L->incomplete = 1; i = strlen(s); break; } i = (size_t) k; continue; }
        if (d == '`') { long k = skip_nested(s, i + 1, '`'); if (k < 0) { L->incomplete = 1; i = strlen(s); break; } i = (size_t) k; continue; }
        i++;
    }
    L->t = T_WORD;
    L->word = astrndup(s + start, i - start);
    /* drop backslash-newline continuations inside the word */
    char *w = L->word, *o = w;
    for (; *w; w++) { if (w[0] == '\\' && w[1] == '\n') { w++; continue; } *o++ = *w; }
    *o = 0;
    L->pos = i;
}

static enum tok peek(struct lexer *L) { if (!L->have) lex_next(L); return L->t; }
static void consume(struct lexer *L) { L->have = 0; }
static int peek_word(struct lexer *L, const char *w) { return peek(L) == T_WORD && strcmp(L->word, w) == 0; }

/* ---------- tree ---------- */

enum ntype { N_SIMPLE, N_PIPE, N_AND, N_OR, N_SEQ, N_BG, N_SUBSHELL, N_GROUP, N_IF, N_WHILE, N_UNTIL, N_FOR, N_NOT, N_CASE, N_FUNCDEF };

struct node {
    enum ntype type;
    struct node *a, *b, *c;          /* children: seq/and/or: a,b; if: a cond, b then, c else; loops: a cond, b body */
    char **words; int nwords;        /* simple: words (assignments first); for: the list */
    int nassign;                     /* simple: leading NAME=value words */
    char *name;                      /* for: the variable */
    int has_in;                      /* for: "in" given */
    struct node **cmds; int ncmds;   /* pipe; case: the bodies (ncmds items) */
    char ***pats; int *npats;        /* case: the patterns of each item */
    struct redir *redirs;
    const char *text; size_t textlen;  /* source text (for jobs) */
    char *body;                      /* function definition: the body's source text */
};

static struct node *new_node(enum ntype t) { struct node *n = amalloc(sizeof *n); memset(n, 0, sizeof *n); n->type = t; return n; }

static struct node *parse_list(struct lexer *L, int top);
static struct node *parse_command(struct lexer *L);

static void syntax(struct lexer *L, const char *what) { if (!L->error && !L->incomplete) L->error = what; }
static int failed(struct lexer *L) { return L->error || L->incomplete; }

static void skip_newlines(struct lexer *L) { while (peek(L) == T_NEWLINE) consume(L); }

static int is_reserved_end(struct lexer *L) {
    if (peek(L) != T_WORD) return 0;
    static const char *ends[] = { "then", "else", "elif", "fi", "do", "done", "}", "esac", 0 };
    for (int i = 0; ends[i]; i++) if (strcmp(L->word, ends[i]) == 0) return 1;
    return 0;
}

static int parse_redir(struct lexer *L, struct redir ***tail) {
    if (peek(L) != T_REDIR) return 0;
    struct redir *r = amalloc(sizeof *r);
    r->fd = L->rfd; r->kind = L->rkind; r->next = 0;
    consume(L);
    if (peek(L) != T_WORD) { if (peek(L) == T_EOF) L->incomplete = 1; syntax(L, "redirection without a target"); return -1; }
    r->word = L->word; consume(L);
    if (r->kind == R_HEREDOC) {
        /* the delimiter is the word with its quotes removed; any quoting keeps the body literal */
        const char *w = r->word;
        r->quoted = strpbrk(w, "'\"\\") != 0;
        r->strip = L->rstrip;
        char *d = amalloc(strlen(w) + 1), *o = d;
        for (; *w; w++) if (*w != '\'' && *w != '"' && *w != '\\') *o++ = *w;
        *o = 0;
        r->delim = d;
        r->word = "";
        if (L->npending < 16) L->pending[L->npending++] = r;
    }
    **tail = r; *tail = &r->next;
    return 1;
}

static struct node *parse_simple(struct lexer *L) {
    struct node *n = new_node(N_SIMPLE);
    int cap = 8; n->words = amalloc(sizeof(char *) * (size_t) cap);
    struct redir **tail = &n->redirs;
    int assigning = 1;
    for (;;) {
        int r = parse_redir(L, &tail);
        if (r < 0) return 0;
        if (r) continue;
        if (peek(L) != T_WORD) break;
        if (n->nwords + 1 >= cap) { char **w = amalloc(sizeof(char *) * (size_t) cap * 2); memcpy(w, n->words, sizeof(char *) * (size_t) cap); n->words = w; cap *= 2; }
        if (assigning && assignment_name(L->word)) n->nassign++; else assigning = 0;
        n->words[n->nwords++] = L->word;
        consume(L);
        if (n->nwords == 1 && !n->nassign && !n->redirs && peek(L) == T_LPAREN) {
            /* NAME() COMMAND: a function definition; its body is kept as source text */
            const char *name = n->words[0];
            for (const char *c = name; *c; c++) if (!is_name_char((unsigned char) *c)) { syntax(L, "bad function name"); return 0; }
            if (!is_name_start((unsigned char) name[0])) { syntax(L, "bad function name"); return 0; }
            consume(L);
            if (peek(L) != T_RPAREN) { if (peek(L) == T_EOF) L->incomplete = 1; syntax(L, "expected ')'"); return 0; }
            consume(L);
            skip_newlines(L);
            size_t start = L->tstart;
            if (peek(L) == T_EOF) { L->incomplete = 1; return 0; }
            struct node *body = parse_command(L);
            if (!body) return 0;
            peek(L);
            struct node *f = new_node(N_FUNCDEF);
            f->name = (char *) name;
            f->body = astrndup(L->s + start, L->tstart - start);
            return f;
        }
    }
    n->words[n->nwords] = 0;
    if (n->nwords == 0 && !n->redirs) {
        if (peek(L) == T_EOF) L->incomplete = 1;
        syntax(L, peek(L) == T_EOF ? "unexpected end of input" : "unexpected token");
        return 0;
    }
    return n;
}

static struct node *parse_compound_redirs(struct lexer *L, struct node *n) {
    struct redir **tail = &n->redirs;
    while (parse_redir(L, &tail) > 0) {}
    return failed(L) ? 0 : n;
}

static int expect_word(struct lexer *L, const char *w) {
    skip_newlines(L);
    if (peek_word(L, w)) { consume(L); return 1; }
    if (peek(L) == T_EOF) L->incomplete = 1;
    static char msg[64]; sfmt(msg, sizeof msg, "expected '%s'", w);
    syntax(L, msg);
    return 0;
}

static struct node *parse_command(struct lexer *L) {
    if (peek(L) == T_LPAREN) {
        consume(L);
        struct node *n = new_node(N_SUBSHELL);
        n->a = parse_list(L, 0);
        if (failed(L)) return 0;
        skip_newlines(L);
        if (peek(L) != T_RPAREN) { if (peek(L) == T_EOF) L->incomplete = 1; syntax(L, "expected ')'"); return 0; }
        consume(L);
        return parse_compound_redirs(L, n);
    }
    if (peek(L) == T_WORD) {
        const char *w = L->word;
        if (strcmp(w, "{") == 0) {
            consume(L);
            struct node *n = new_node(N_GROUP);
            n->a = parse_list(L, 0);
            if (failed(L) || !expect_word(L, "}")) return 0;
            return parse_compound_redirs(L, n);
        }
        if (strcmp(w, "if") == 0) {
            consume(L);
            struct node *n = new_node(N_IF), *cur = n;
            for (;;) {
                cur->a = parse_list(L, 0);
                if (failed(L) || !expect_word(L, "then")) return 0;
                cur->b = parse_list(L, 0);
                if (failed(L)) return 0;
                skip_newlines(L);
                if (peek_word(L, "elif")) { consume(L); cur->c = new_node(N_IF); cur = cur->c; continue; }
                if (peek_word(L, "else")) { consume(L); cur->c = parse_list(L, 0); if (failed(L)) return 0; }
                if (!expect_word(L, "fi")) return 0;
                break;
            }
            return parse_compound_redirs(L, n);
        }
        if (strcmp(w, "while") == 0 || strcmp(w, "until") == 0) {
            struct node *n = new_node(w[0] == 'w' ? N_WHILE : N_UNTIL);
            consume(L);
            n->a = parse_list(L, 0);
            if (failed(L) || !expect_word(L, "do")) return 0;
            n->b = parse_list(L, 0);
            if (failed(L) || !expect_word(L, "done")) return 0;
            return parse_compound_redirs(L, n);
        }
        if (strcmp(w, "case") == 0) {
            consume(L);
            struct node *n = new_node(N_CASE);
            if (peek(L) != T_WORD) { if (peek(L) == T_EOF) L->incomplete = 1; syntax(L, "case without a word"); return 0; }
            n->words = amalloc(sizeof(char *) * 2); n->words[0] = L->word; n->words[1] = 0; n->nwords = 1;
            consume(L);
            if (!expect_word(L, "in")) return 0;
            int cap = 0;
            for (;;) {
                skip_newlines(L);
                if (peek_word(L, "esac")) { consume(L); break; }
                if (peek(L) == T_EOF) { L->incomplete = 1; return 0; }
                if (peek(L) == T_LPAREN) consume(L);
                char **pats = amalloc(sizeof(char *) * 16); int np = 0;
                for (;;) {
                    if (peek(L) != T_WORD) { if (peek(L) == T_EOF) L->incomplete = 1; syntax(L, "bad case pattern"); return 0; }
                    if (np < 15) pats[np++] = L->word;
                    consume(L);
                    if (peek(L) == T_PIPE) { consume(L); continue; }
                    if (peek(L) == T_RPAREN) { consume(L); break; }
                    if (peek(L) == T_EOF) L->incomplete = 1;
                    syntax(L, "expected ')' after a case pattern");
                    return 0;
                }
                struct node *body = 0;
                skip_newlines(L);
                if (peek(L) != T_DSEMI && !peek_word(L, "esac")) { body = parse_list(L, 0); if (failed(L)) return 0; }
                if (n->ncmds == cap) {
                    cap = cap * 2 + 4;
                    struct node **nc = amalloc(sizeof(struct node *) * (size_t) cap); if (n->ncmds) memcpy(nc, n->cmds, sizeof(struct node *) * (size_t) n->ncmds); n->cmds = nc;
                    char ***npp = amalloc(sizeof(char **) * (size_t) cap); if (n->ncmds) memcpy(npp, n->pats, sizeof(char **) * (size_t) n->ncmds); n->pats = npp;
                    int *nn = amalloc(sizeof(int) * (size_t) cap); if (n->ncmds) memcpy(nn, n->npats, sizeof(int) * (size_t) n->ncmds); n->npats = nn;
                }
                n->cmds[n->ncmds] = body; n->pats[n->ncmds] = pats; n->npats[n->ncmds] = np; n->ncmds++;
                skip_newlines(L);
                if (peek(L) == T_DSEMI) { consume(L); continue; }
                if (peek_word(L, "esac")) { consume(L); break; }
                if (peek(L) == T_EOF) { L->incomplete = 1; return 0; }
                syntax(L, "expected ';;' or 'esac'");
                return 0;
            }
            return parse_compound_redirs(L, n);
        }
        if (strcmp(w, "for") == 0) {
            consume(L);
            struct node *n = new_node(N_FOR);
            if (peek(L) != T_WORD || !is_name_start((unsigned char) L->word[0])) { if (peek(L) == T_EOF) L->incomplete = 1; syntax(L, "bad for loop variable"); return 0; }
            n->name = L->word; consume(L);
            skip_newlines(L);
            if (peek_word(L, "in")) {
                consume(L);
                n->has_in = 1;
                int cap = 8; n->words = amalloc(sizeof(char *) * (size_t) cap);
                while (peek(L) == T_WORD) {
                    if (n->nwords + 1 >= cap) { char **nw = amalloc(sizeof(char *) * (size_t) cap * 2); memcpy(nw, n->words, sizeof(char *) * (size_t) cap); n->words = nw; cap *= 2; }
                    n->words[n->nwords++] = L->word; consume(L);
                }
                n->words[n->nwords] = 0;
                if (peek(L) == T_SEMI || peek(L) == T_NEWLINE) consume(L);
                else if (peek(L) == T_EOF) { L->incomplete = 1; return 0; }
            } else if (peek(L) == T_SEMI) consume(L);
            if (!expect_word(L, "do")) return 0;
            n->b = parse_list(L, 0);
            if (failed(L) || !expect_word(L, "done")) return 0;
            return parse_compound_redirs(L, n);
        }
    }
    return parse_simple(L);
}

static struct node *parse_pipeline(struct lexer *L) {
    int bang = 0;
    if (peek_word(L, "!")) { consume(L); bang = 1; }
    struct node *first = parse_command(L);
    if (!first) return 0;
    struct node *n = first;
    if (peek(L) == T_PIPE) {
        n = new_node(N_PIPE);
        int cap = 4; n->cmds = amalloc(sizeof(struct node *) * (size_t) cap);
        n->cmds[n->ncmds++] = first;
        while (peek(L) == T_PIPE) {
            consume(L);
            skip_newlines(L);
            struct node *c = parse_command(L);
            if (!c) return 0;
            if (n->ncmds == cap) { struct node **nc = amalloc(sizeof(struct node *) * (size_t) cap * 2); memcpy(nc, n->cmds, sizeof(struct node *) * (size_t) cap); n->cmds = nc; cap *= 2; }
            n->cmds[n->ncmds++] = c;
        }
    }
    if (bang) { struct node *b = new_node(N_NOT); b->a = n; n = b; }
    return n;
}

static struct node *parse_and_or(struct lexer *L) {
    struct node *left = parse_pipeline(L);
    if (!left) return 0;
    while (peek(L) == T_AND || peek(L) == T_OR) {
        struct node *n = new_node(L->t == T_AND ? N_AND : N_OR);
        consume(L);
        skip_newlines(L);
        n->a = left;
        n->b = parse_pipeline(L);
        if (!n->b) return 0;
        left = n;
    }
    return left;
}

/* list: and_or ((; | & | newline) and_or)*. At top level it runs to the end of input; nested
 * (inside if/while/{}/()) it stops at a reserved closing word or ')'. */
static struct node *parse_list(struct lexer *L, int top) {
    struct node *result = 0;
    skip_newlines(L);
    for (;;) {
        if (peek(L) == T_EOF) break;
        if (!top && (peek(L) == T_RPAREN || peek(L) == T_DSEMI || is_reserved_end(L))) break;
        /* the source text of this command, for job listings */
        size_t start = L->tstart;      /* the peeked first token of the command */
        struct node *n = parse_and_or(L);
        if (!n) return 0;
        enum tok sep = peek(L);
        size_t end = L->tstart;
        if (sep == T_AMP) { struct node *b = new_node(N_BG); b->a = n; n = b; }
        n->text = L->s + start; n->textlen = end > start ? end - start : 0;
        result = result ? ({ struct node *s = new_node(N_SEQ); s->a = result; s->b = n; s; }) : n;
        if (sep == T_SEMI || sep == T_AMP || sep == T_NEWLINE) { consume(L); skip_newlines(L); continue; }
        if (sep == T_EOF) break;
        if (!top && (sep == T_RPAREN || sep == T_DSEMI || is_reserved_end(L))) break;
        syntax(L, sep == T_RPAREN ? "unexpected ')'" : "unexpected token");
        return 0;
    }
    if (!result && !top) { if (peek(L) == T_EOF) L->incomplete = 1; syntax(L, "empty command list"); return 0; }
    return result;
}

/* ---------- expansion ---------- */

static char *run_capture(const char *cmd);
static int heredoc_mode;
static int arith_eval(const char *expr, long *result);
static void expand_into(const char *raw, int split, struct str *cur, int *has, int *globby, struct str *pat,
                        char ***fields, int *nf, int *capf);

static void push_field(char ***fields, int *nf, int *capf, const char *s) {
    if (*nf + 1 >= *capf) { *capf = *capf * 2 + 8; char **n = amalloc(sizeof(char *) * (size_t) *capf); if (*nf) memcpy(n, *fields, sizeof(char *) * (size_t) *nf); *fields = n; }
    (*fields)[(*nf)++] = astrndup(s, strlen(s));
    (*fields)[*nf] = 0;
}

/* Expands a raw word into a single string (no field splitting, no globbing). */
static char *expand_str(const char *raw) {
    struct str cur = {0}, pat = {0};
    int has = 0, globby = 0; char **fields = 0; int nf = 0, capf = 0;
    expand_into(raw, 0, &cur, &has, &globby, &pat, &fields, &nf, &capf);
    free(pat.s);
    return str_take_arena(&cur);
}

static void end_field(struct str *cur, int *has, int *globby, struct str *pat, char ***fields, int *nf, int *capf) {
    if (!*has) return;
    if (*globby && pat->s) {
        glob_t g;
        if (glob(pat->s, 0, 0, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++) push_field(fields, nf, capf, g.gl_pathv[i]);
            globfree(&g);
            goto done;
        }
    }
    push_field(fields, nf, capf, cur->s ? cur->s : "");
done:
    cur->n = 0; if (cur->s) cur->s[0] = 0;
    pat->n = 0; if (pat->s) pat->s[0] = 0;
    *has = 0; *globby = 0;
}

/* Adds expansion text: unquoted (split) text is split on IFS whitespace and glob characters stay active. */
static void add_expanded(const char *v, int quoted, int split, struct str *cur, int *has, int *globby, struct str *pat,
                         char ***fields, int *nf, int *capf) {
    for (; *v; v++) {
        char c = *v;
        if (!quoted && split == 1 && (c == ' ' || c == '\t' || c == '\n')) { end_field(cur, has, globby, pat, fields, nf, capf); continue; }
        str_addc(cur, c);
        if (!quoted && (c == '*' || c == '?' || c == '[')) { *globby = 1; str_addc(pat, c); }
        else { if (c == '*' || c == '?' || c == '[' || c == '\\' || c == ']') str_addc(pat, '\\'); str_addc(pat, c); }
        *has = 1;
    }
}

static const char *special_param(char c, char *buf, size_t cap) {
    switch (c) {
    case '?': sfmt(buf, cap, "%d", last_status); return buf;
    case '$': sfmt(buf, cap, "%d", (int) root_pid); return buf;
    case '!': if (!last_bg) return ""; sfmt(buf, cap, "%d", (int) last_bg); return buf;
    case '#': sfmt(buf, cap, "%d", npos); return buf;
    case '0': return arg0;
    case '-': return interactive ? "i" : "";
    }
    if (c >= '1' && c <= '9') return c - '0' <= npos ? pos_args[c - '1'] : "";
    return 0;
}

static char *join_args(void) {
    struct str s = {0};
    for (int i = 0; i < npos; i++) { if (i) str_addc(&s, ' '); str_adds(&s, pos_args[i]); }
    return str_take_arena(&s);
}

/* ${...}: body is the text between the braces */
static const char *brace_param(const char *body) {
    char buf[32];
    if (body[0] == '#' && body[1]) {
        const char *v;
        if (is_name_start((unsigned char) body[1])) v = var_get(body + 1);
        else v = special_param(body[1], buf, sizeof buf);
        char *r = amalloc(24); sfmt(r, 24, "%d", v ? (int) strlen(v) : 0); return r;
    }
    size_t n = 0;
    const char *v;
    if (is_name_start((unsigned char) body[0])) { while (is_name_char((unsigned char) body[n])) n++; struct var *x = var_find(body, n); v = x ? x->val : 0; }
    else if (body[0] == '@' || body[0] == '*') { n = 1; v = join_args(); }
    else if (body[0] && (v = special_param(body[0], buf, sizeof buf))) { n = 1; v = astrndup(v, strlen(v)); }
    else if (body[0] >= '0' && body[0] <= '9') { while (body[n] >= '0' && body[n] <= '9') n++; int k = atoi(body); v = k <= npos ? (k == 0 ? arg0 : pos_args[k - 1]) : 0; }
    else { fdf(2, "sh: ${%s}: bad substitution\n", body); exp_error = 1; return ""; }
    const char *op = body + n;
    if (!*op) return v ? v : "";
    int colon = 0;
    if (*op == ':') { colon = 1; op++; }
    int unset = !v || (colon && !*v);
    const char *word = op + 1;
    switch (*op) {
    case '-': return unset ? expand_str(word) : v;
    case '+': return unset ? "" : expand_str(word);
    case '=':
        if (unset) { char *w = expand_str(word); if (!is_name_start((unsigned char) body[0])) { fdf(2, "sh: ${%s}: cannot assign\n", body); exp_error = 1; return ""; } var_set(body, n, w, 0); return w; }
        return v;
    case '?':
        if (unset) { char *w = expand_str(word); fdf(2, "sh: %.*s: %s\n", (int) n, body, *w ? w : "parameter not set"); exp_error = 1; return ""; }
        return v;
    }
    fdf(2, "sh: ${%s}: bad substitution\n", body); exp_error = 1;
    return "";
}

/* Expands a raw word; split=1 for command words (field splitting and globbing). */
static void expand_into(const char *raw, int split, struct str *cur, int *has, int *globby, struct str *pat,
                        char ***fields, int *nf, int *capf) {
    const char *s = raw;
    int hd = heredoc_mode;           /* a here-document body: as if in double quotes, '"' ordinary */
    heredoc_mode = 0;                /* not for the $(...) run from inside it */
    int dq = hd;
    size_t i = 0;
    if (!hd && s[0] == '~' && (s[1] == '/' || s[1] == 0)) {
        const char *h = var_get("HOME");
        add_expanded(h ? h : "~", 1, split, cur, has, globby, pat, fields, nf, capf);
        i = 1;
    }
    while (s[i]) {
        char c = s[i];
        if (!dq && c == '\'') {
            const char *q = strchr(s + i + 1, '\'');
            size_t len = q ? (size_t) (q - (s + i + 1)) : strlen(s + i + 1);
            char *lit = astrndup(s + i + 1, len);
            add_expanded(lit, 1, split, cur, has, globby, pat, fields, nf, capf);
            *has = 1;
            i += len + 2;
            if (!q) break;
            continue;
        }
        if (c == '"' && !hd) { dq = !dq; *has = 1; i++; continue; }
        if (c == '\\') {
            char d = s[i + 1];
            if (!d) { add_expanded("\\", 1, split, cur, has, globby, pat, fields, nf, capf); i++; continue; }
            if (dq && d != '$' && d != '`' && (d != '"' || hd) && d != '\\') { char t[3] = { '\\', d, 0 }; add_expanded(t, 1, split, cur, has, globby, pat, fields, nf, capf); }
            else { char t[2] = { d, 0 }; add_expanded(t, 1, split, cur, has, globby, pat, fields, nf, capf); }
            i += 2;
            continue;
        }
        if (c == '$' && s[i + 1] == '(' && s[i + 2] == '(') {
            long end = skip_nested(s, i + 3, ')');
            if (end > 0 && s[end] == ')') {
                char *inner = astrndup(s + i + 3, (size_t) (end - 1 - (long) (i + 3)));
                long v;
                char *e = expand_str(inner);
                if (arith_eval(e, &v) != 0) { exp_error = 1; v = 0; }
                char buf[32]; sfmt(buf, sizeof buf, "%ld", v);
                add_expanded(buf, dq, split, cur, has, globby, pat, fields, nf, capf);
                i = (size_t) end + 1;
                continue;
            }
        }
        if ((c == '$' && s[i + 1] == '(') || c == '`') {
            long end = c == '`' ? skip_nested(s, i + 1, '`') : skip_nested(s, i + 2, ')');
            if (end < 0) end = (long) strlen(s);
            size_t from = c == '`' ? i + 1 : i + 2;
            char *cmd = astrndup(s + from, (size_t) (end - 1 - (long) from));
            if (c == '`') { /* inside backquotes, \` \$ \\ lose their backslash */
                char *o = cmd; for (char *p = cmd; *p; p++) { if (*p == '\\' && (p[1] == '`' || p[1] == '$' || p[1] == '\\')) p++; *o++ = *p; } *o = 0;
            }
            char *r = run_capture(cmd);
            add_expanded(r, dq, split, cur, has, globby, pat, fields, nf, capf);
            if (dq) *has = 1;
            i = (size_t) end;
            continue;
        }
        if (c == '$' && s[i + 1] == '{') {
            long end = skip_nested(s, i + 2, '}');
            if (end < 0) end = (long) strlen(s);
            char *body = astrndup(s + i + 2, (size_t) (end - 1 - (long) (i + 2)));
            const char *v = brace_param(body);
            add_expanded(v, dq, split, cur, has, globby, pat, fields, nf, capf);
            if (dq) *has = 1;
            i = (size_t) end;
            continue;
        }
        if (c == '$' && (s[i + 1] == '@' || s[i + 1] == '*')) {
            if (dq && s[i + 1] == '@') {
                for (int k = 0; k < npos; k++) {
                    if (k) { *has = 1; end_field(cur, has, globby, pat, fields, nf, capf); }
                    add_expanded(pos_args[k], 1, split, cur, has, globby, pat, fields, nf, capf);
                    *has = 1;
                }
            } else add_expanded(join_args(), dq, split, cur, has, globby, pat, fields, nf, capf);
            i += 2;
            continue;
        }
        if (c == '$' && is_name_start((unsigned char) s[i + 1])) {
            size_t j = i + 1;
            while (is_name_char((unsigned char) s[j])) j++;
            struct var *v = var_find(s + i + 1, j - i - 1);
            if (v && v->val) add_expanded(v->val, dq, split, cur, has, globby, pat, fields, nf, capf);
            i = j;
            continue;
        }
        if (c == '$') {
            char buf[32];
            const char *v = s[i + 1] ? special_param(s[i + 1], buf, sizeof buf) : 0;
            if (v) { add_expanded(v, dq, split, cur, has, globby, pat, fields, nf, capf); i += 2; continue; }
        }
        /* a literal character */
        char t[2] = { c, 0 };
        if (!dq && split && (c == '*' || c == '?' || c == '[')) { str_addc(cur, c); str_addc(pat, c); *globby = 1; *has = 1; }
        else if (!dq && split && c == ']') { str_addc(cur, c); str_addc(pat, c); *has = 1; }
        else add_expanded(t, 1, split, cur, has, globby, pat, fields, nf, capf);
        i++;
    }
}

static char **expand_words(char **words, int n, int *count) {
    struct str cur = {0}, pat = {0};
    char **fields = 0; int nf = 0, capf = 0;
    for (int i = 0; i < n; i++) {
        int has = 0, globby = 0;
        expand_into(words[i], 1, &cur, &has, &globby, &pat, &fields, &nf, &capf);
        end_field(&cur, &has, &globby, &pat, &fields, &nf, &capf);
    }
    free(cur.s); free(pat.s);
    if (!fields) { fields = amalloc(sizeof(char *)); fields[0] = 0; }
    *count = nf;
    return fields;
}

/* ---------- arithmetic: + - * / % ( ) unary - + ! ~, comparisons, && || ---------- */

struct arith { const char *p; int err; };

static void ar_ws(struct arith *a) { while (*a->p == ' ' || *a->p == '\t' || *a->p == '\n') a->p++; }
static long ar_or(struct arith *a);

static long ar_primary(struct arith *a) {
    ar_ws(a);
    if (*a->p == '(') { a->p++; long v = ar_or(a); ar_ws(a); if (*a->p != ')') { a->err = 1; return 0; } a->p++; return v; }
    if (*a->p == '-') { a->p++; return -ar_primary(a); }
    if (*a->p == '+') { a->p++; return ar_primary(a); }
    if (*a->p == '!') { a->p++; return !ar_primary(a); }
    if (*a->p == '~') { a->p++; return ~ar_primary(a); }
    if (*a->p >= '0' && *a->p <= '9') {
        char *end; long v = strtol(a->p, &end, 0);
        if (is_name_char((unsigned char) *end)) { a->err = 1; return 0; }
        a->p = end; return v;
    }
    if (is_name_start((unsigned char) *a->p)) {
        const char *s = a->p;
        while (is_name_char((unsigned char) *a->p)) a->p++;
        struct var *v = var_find(s, (size_t) (a->p - s));
        if (!v || !v->val || !*v->val) return 0;
        struct arith sub = { v->val, 0 };
        long r = ar_or(&sub); ar_ws(&sub);
        if (sub.err || *sub.p) { a->err = 1; return 0; }
        return r;
    }
    a->err = 1;
    return 0;
}

static long ar_mul(struct arith *a) {
    long v = ar_primary(a);
    for (;;) {
        ar_ws(a);
        char op = *a->p;
        if (op != '*' && op != '/' && op != '%') return v;
        a->p++;
        long r = ar_primary(a);
        if (a->err) return 0;
        if (op == '*') v = (long) ((unsigned long) v * (unsigned long) r);
        else if (r == 0) { a->err = 2; return 0; }
        else if (r == -1) v = op == '/' ? (long) (0UL - (unsigned long) v) : 0;
        else v = op == '/' ? v / r : v % r;
    }
}

static long ar_add(struct arith *a) {
    long v = ar_mul(a);
    for (;;) {
        ar_ws(a);
        char op = *a->p;
        if (op != '+' && op != '-') return v;
        a->p++;
        long r = ar_mul(a);
        v = (long) (op == '+' ? (unsigned long) v + (unsigned long) r : (unsigned long) v - (unsigned long) r);
    }
}

static long ar_rel(struct arith *a) {
    long v = ar_add(a);
    for (;;) {
        ar_ws(a);
        const char *p = a->p;
        if (p[0] == '<' && p[1] == '=') { a->p += 2; v = v <= ar_add(a); }
        else if (p[0] == '>' && p[1] == '=') { a->p += 2; v = v >= ar_add(a); }
        else if (p[0] == '<' && p[1] != '<') { a->p += 1; v = v < ar_add(a); }
        else if (p[0] == '>' && p[1] != '>') { a->p += 1; v = v > ar_add(a); }
        else return v;
    }
}

static long ar_eq(struct arith *a) {
    long v = ar_rel(a);
    for (;;) {
        ar_ws(a);
        if (a->p[0] == '=' && a->p[1] == '=') { a->p += 2; v = v == ar_rel(a); }
        else if (a->p[0] == '!' && a->p[1] == '=') { a->p += 2; v = v != ar_rel(a); }
        else return v;
    }
}

static long ar_and(struct arith *a) {
    long v = ar_eq(a);
    for (;;) { ar_ws(a); if (a->p[0] == '&' && a->p[1] == '&') { a->p += 2; long r = ar_eq(a); v = v && r; } else return v; }
}

static long ar_or(struct arith *a) {
    long v = ar_and(a);
    for (;;) { ar_ws(a); if (a->p[0] == '|' && a->p[1] == '|') { a->p += 2; long r = ar_and(a); v = v || r; } else return v; }
}

static int arith_eval(const char *expr, long *result) {
    struct arith a = { expr, 0 };
    ar_ws(&a);
    long v = *a.p ? ar_or(&a) : 0;
    ar_ws(&a);
    if (a.err == 2) { fdf(2, "sh: arithmetic: division by zero\n"); return -1; }
    if (a.err || *a.p) { fdf(2, "sh: arithmetic syntax error: %s\n", expr); return -1; }
    *result = v;
    return 0;
}

/* ---------- jobs ---------- */

struct job { int id; pid_t pgid; pid_t *pids; int *st; int npids, alive; int stopped; char *cmd; };
static struct job *jobs[64];

static const char *job_state(struct job *j) { return j->alive == 0 ? "Done" : j->stopped ? "Stopped" : "Running"; }

static struct job *job_add(pid_t pgid, pid_t *pids, int n, const char *text, size_t len) {
    for (int i = 0; i < 64; i++) if (!jobs[i]) {
        struct job *j = xmalloc(sizeof *j);
        j->id = i + 1; j->pgid = pgid; j->npids = n; j->alive = n; j->stopped = 0;
        j->pids = xmalloc(sizeof(pid_t) * (size_t) n); memcpy(j->pids, pids, sizeof(pid_t) * (size_t) n);
        j->st = xmalloc(sizeof(int) * (size_t) n); memset(j->st, 0, sizeof(int) * (size_t) n);
        j->cmd = xmalloc(len + 1); memcpy(j->cmd, text, len); j->cmd[len] = 0;
        while (len > 0 && (j->cmd[len - 1] == ' ' || j->cmd[len - 1] == '\n' || j->cmd[len - 1] == '\t' || j->cmd[len - 1] == ';')) j->cmd[--len] = 0;
        jobs[i] = j;
        return j;
    }
    return 0;
}

static void job_free(struct job *j) { jobs[j->id - 1] = 0; free(j->pids); free(j->st); free(j->cmd); free(j); }

static int status_of(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 128 + WSTOPSIG(st); }

/* records a wait status for a child; returns 1 if it belonged to a job */
static int job_note(pid_t pid, int st) {
    for (int i = 0; i < 64; i++) {
        struct job *j = jobs[i];
        if (!j) continue;
        for (int k = 0; k < j->npids; k++) if (j->pids[k] == pid) {
            if (WIFSTOPPED(st)) { j->stopped = 1; return 1; }
            if (WIFCONTINUED(st)) { j->stopped = 0; return 1; }
            j->st[k] = st; j->pids[k] = -j->pids[k]; j->alive--;
            return 1;
        }
    }
    return 0;
}

/* WUNTRACED (to see ^Z-stopped jobs) only with job control, and only while the kernel accepts it */
static int untraced_ok = 1;
static int wait_flags(void) { return jobctl && untraced_ok ? WUNTRACED : 0; }

static void jobs_reap(void) {
    int st; pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG | wait_flags())) > 0) job_note(pid, st);
}

static int job_status(struct job *j) { return status_of(j->st[j->npids - 1]); }

static void jobs_notify(void) {
    jobs_reap();
    for (int i = 0; i < 64; i++) if (jobs[i] && jobs[i]->alive == 0) {
        fdf(2, "[%d]+  Done                    %s\n", jobs[i]->id, jobs[i]->cmd);
        job_free(jobs[i]);
    }
}

/* ---------- running ---------- */

static int run_node(struct node *n);
static int run_string(const char *text, int top);

static void reset_child_signals(void) {
    static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGTERM, SIGPIPE };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
    sigset_t none; sigemptyset(&none); sigprocmask(SIG_SETMASK, &none, 0);
}

static void set_fg(pid_t pgid) {
    if (!jobctl) return;
    signal(SIGTTOU, SIG_IGN);
    tcsetpgrp(tty_fd, pgid);        /* ENOTTY/ENOSYS: no job control on this terminal, nothing to undo */
}

/* redirections; with save != NULL, the replaced descriptors are saved so they can be restored */
struct saved { int fd, copy; };
static int apply_redirs(struct redir *r, struct saved *save, int *nsave) {
    for (; r; r = r->next) {
        char *target = r->kind == R_HEREDOC ? "" : expand_str(r->word);
        if (exp_error) return -1;
        int fd = -1;
        if (r->kind == R_HEREDOC) {
            const char *body = r->word;
            if (!r->quoted) { heredoc_mode = 1; body = expand_str(r->word); heredoc_mode = 0; if (exp_error) return -1; }
            int p[2];
            if (pipe2(p, O_CLOEXEC) < 0) { fdf(2, "sh: pipe: %s\n", strerror(errno)); return -1; }
            size_t len = strlen(body);
            if (len <= 32768) write_all(p[1], body, len);   /* fits in the pipe: no writer needed */
            else {
                flush_all();
                pid_t w = fork();
                if (w == 0) { close(p[0]); write_all(p[1], body, len); _exit(0); }
            }
            close(p[1]);
            fd = p[0];
        } else if (r->kind == R_DUPOUT || r->kind == R_DUPIN) {
            if (strcmp(target, "-") != 0) {
                long k;
                if (parse_long(target, &k) != 0 || k < 0) { fdf(2, "sh: %s: bad file descriptor\n", target); return -1; }
                fd = (int) k;
                if (fcntl(fd, F_GETFD) < 0) { fdf(2, "sh: %d: bad file descriptor\n", fd); return -1; }
            }
        } else {
            int flags = r->kind == R_IN ? O_RDONLY : r->kind == R_OUT ? O_WRONLY | O_CREAT | O_TRUNC
                      : r->kind == R_APPEND ? O_WRONLY | O_CREAT | O_APPEND : O_RDWR | O_CREAT;
            fd = open(target, flags | O_CLOEXEC, 0666);
            if (fd < 0) { fdf(2, "sh: %s: %s\n", target, strerror(errno)); return -1; }
        }
        if (save && *nsave < 16) {
            int c = fcntl(r->fd, F_DUPFD_CLOEXEC, 10);
            save[*nsave].fd = r->fd; save[*nsave].copy = c; (*nsave)++;
        }
        if (fd < 0) close(r->fd);
        else if (fd != r->fd) {
            if (dup2(fd, r->fd) < 0) { fdf(2, "sh: %d: %s\n", r->fd, strerror(errno)); return -1; }
            if (r->kind != R_DUPOUT && r->kind != R_DUPIN) close(fd);
        } else {
            int fl = fcntl(fd, F_GETFD); if (fl >= 0) fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
        }
    }
    return 0;
}

static void restore_redirs(struct saved *save, int n) {
    for (int i = n - 1; i >= 0; i--) {
        if (save[i].copy >= 0) { dup2(save[i].copy, save[i].fd); close(save[i].copy); }
        else close(save[i].fd);
    }
}

/* builtins run inside the shell process */
static int bi_cd(int argc, char **argv), bi_pwd(int argc, char **argv), bi_export(int argc, char **argv),
           bi_unset(int argc, char **argv), bi_exit(int argc, char **argv), bi_jobs(int argc, char **argv),
           bi_wait(int argc, char **argv), bi_fg(int argc, char **argv), bi_bg(int argc, char **argv),
           bi_colon(int argc, char **argv), bi_dot(int argc, char **argv), bi_shift(int argc, char **argv),
           bi_read(int argc, char **argv), bi_eval(int argc, char **argv), bi_break(int argc, char **argv),
           bi_continue(int argc, char **argv), bi_kill(int argc, char **argv), bi_exec(int argc, char **argv),
           bi_set(int argc, char **argv), bi_return(int argc, char **argv), bi_local(int argc, char **argv);

static const struct { const char *name; applet_main fn; } builtins[] = {
    { "cd", bi_cd }, { "pwd", bi_pwd }, { "export", bi_export }, { "unset", bi_unset }, { "exit", bi_exit },
    { "jobs", bi_jobs }, { "wait", bi_wait }, { "fg", bi_fg }, { "bg", bi_bg }, { ":", bi_colon },
    { ".", bi_dot }, { "source", bi_dot }, { "shift", bi_shift }, { "read", bi_read }, { "eval", bi_eval },
    { "break", bi_break }, { "continue", bi_continue }, { "kill", bi_kill }, { "exec", bi_exec }, { "set", bi_set }, { "return", bi_return }, { "local", bi_local },
    /* applets cheap enough to run without a fork */
    { "echo", echo_main }, { "true", true_main }, { "false", false_main }, { "test", test_main }, { "[", test_main },
};

static applet_main find_builtin(const char *name) {
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) if (strcmp(builtins[i].name, name) == 0) return builtins[i].fn;
    return 0;
}

/* In a child: runs argv (an applet in-process, or execve via PATH). Never returns. */
static void __attribute__((noreturn)) exec_command(int argc, char **argv) {
    flush_all();
    applet_main b = find_builtin(argv[0]);
    if (b) { applet_name = argv[0]; int s = b(argc, argv); flush_all(); _exit(s); }
    environ = build_env();
    if (!strchr(argv[0], '/') && find_applet(argv[0])) {
        /* our own applets: a fresh image of ourselves (so ps and /proc/PID/cmdline show the
         * command); where that cannot work (no /proc, or qemu-user without binfmt_misc) the
         * applet runs in this forked child */
        reset_child_signals();
        execve("/proc/self/exe", argv, environ);
        _exit(run_applet(argc, argv));
    }
    reset_child_signals();
    const char *path = var_get("PATH");
    if (!path) path = "/bin:/sbin:/usr/bin:/usr/sbin";
    int eacces = 0;
    if (strchr(argv[0], '/')) {
        execve(argv[0], argv, environ);
        if (errno == ENOEXEC) { char **a = amalloc(sizeof(char *) * (size_t) (argc + 2)); a[0] = "sh"; memcpy(a + 1, argv, sizeof(char *) * (size_t) (argc + 1)); applet_name = "sh"; _exit(sh_main(argc + 1, a)); }
        fdf(2, "sh: %s: %s\n", argv[0], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    for (const char *p = path;; ) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t) (colon - p) : strlen(p);
        char *dir = astrndup(len ? p : ".", len ? len : 1);
        char *full = path_join(dir, argv[0]);
        execve(full, argv, environ);
        if (errno == ENOEXEC) { char **a = amalloc(sizeof(char *) * (size_t) (argc + 2)); a[0] = "sh"; a[1] = full; memcpy(a + 2, argv + 1, sizeof(char *) * (size_t) argc); applet_name = "sh"; _exit(sh_main(argc + 1, a)); }
        if (errno == EACCES) eacces = 1;
        free(full);
        if (!colon) break;
        p = colon + 1;
    }
    fdf(2, "sh: %s: %s\n", argv[0], eacces ? "Permission denied" : "not found");
    _exit(eacces ? 126 : 127);
}

/* Starts the commands of a pipeline (n == 1: a single command) as one job. Each child runs
 * child_fn(i, arg) and exits with its result. Returns the status (foreground) or 0 (background). */
typedef int (*child_fn)(int i, void *arg);

static int wait_job(pid_t *pids, int n, pid_t pgid, const char *text, size_t len) {
    int status = 0;
    int *sts = amalloc(sizeof(int) * (size_t) n);
    int stopped = 0;
    for (int i = 0; i < n; i++) {
        int st;
        for (;;) {
            pid_t r = waitpid(pids[i], &st, wait_flags());
            if (r < 0 && errno == EINTR) continue;
            if (r < 0 && errno == EINVAL && untraced_ok) { untraced_ok = 0; continue; }
            if (r < 0) st = 0;
            break;
        }
        sts[i] = st;
        if (WIFSTOPPED(st)) stopped = 1;
    }
    set_fg(shell_pgid);
    if (stopped) {
        struct job *j = job_add(pgid, pids, n, text, len);
        if (j) {
            j->stopped = 1;
            for (int i = 0; i < n; i++) if (!WIFSTOPPED(sts[i])) { j->st[i] = sts[i]; j->pids[i] = -j->pids[i]; j->alive--; }
            fdf(2, "\n[%d]+  Stopped                 %s\n", j->id, j->cmd);
        }
        return 128 + SIGTSTP;
    }
    int last = sts[n - 1];
    status = status_of(last);
    if (WIFSIGNALED(last) && interactive) {
        int sig = WTERMSIG(last);
        if (sig == SIGINT) fdf(2, "\n");
        else if (sig != SIGPIPE) fdf(2, "%s%s\n", strsignal(sig), WCOREDUMP(last) ? " (core dumped)" : "");
    }
    return status;
}

static int spawn(int n, child_fn fn, void *arg, int bg, const char *text, size_t len) {
    pid_t *pids = amalloc(sizeof(pid_t) * (size_t) n);
    pid_t pgid = 0;
    int in = -1;
    flush_all();
    for (int i = 0; i < n; i++) {
        int p[2] = { -1, -1 };
        if (i + 1 < n && pipe2(p, O_CLOEXEC) < 0) { fdf(2, "sh: pipe: %s\n", strerror(errno)); if (in >= 0) close(in); return 1; }
        pid_t pid = fork();
        if (pid < 0) {
            fdf(2, "sh: fork: %s\n", strerror(errno));
            if (in >= 0) close(in);
            if (p[0] >= 0) { close(p[0]); close(p[1]); }
            n = i;
            break;
        }
        if (pid == 0) {
            if (jobctl) {
                setpgid(0, pgid);
                if (!bg && i == 0) { signal(SIGTTOU, SIG_IGN); tcsetpgrp(tty_fd, getpgrp()); }
            }
            reset_child_signals();
            if (bg && !jobctl) {
                signal(SIGINT, SIG_IGN); signal(SIGQUIT, SIG_IGN);
                if (i == 0) { int dn = open("/dev/null", O_RDONLY); if (dn >= 0 && dn != 0) { dup2(dn, 0); close(dn); } }
            }
            if (in >= 0) { dup2(in, 0); close(in); }
            if (p[1] >= 0) { dup2(p[1], 1); close(p[1]); close(p[0]); }
            interactive = 0; jobctl = 0;
            int s = fn(i, arg);
            if (exit_requested >= 0) s = exit_requested;
            flush_all();
            _exit(s);
        }
        if (jobctl) setpgid(pid, pgid ? pgid : pid);
        if (!pgid) pgid = pid;
        pids[i] = pid;
        if (in >= 0) close(in);
        if (p[1] >= 0) close(p[1]);
        in = p[0];
    }
    if (in >= 0) close(in);
    if (n == 0) return 1;
    if (bg) {
        last_bg = pids[n - 1];
        struct job *j = job_add(pgid, pids, n, text, len);
        if (interactive && j) fdf(2, "[%d] %d\n", j->id, (int) pids[n - 1]);
        return 0;
    }
    if (jobctl) set_fg(pgid);
    return wait_job(pids, n, pgid, text, len);
}

struct simple_ctx { int argc; char **argv; struct node *n; };

static int child_exec(int i, void *arg) {
    (void) i;
    struct simple_ctx *c = arg;
    if (apply_redirs(c->n->redirs, 0, 0) < 0) return 1;
    exec_command(c->argc, c->argv);
}

static void apply_assignments(struct node *n, int exported) {
    for (int i = 0; i < n->nassign; i++) {
        size_t nl = assignment_name(n->words[i]);
        char *v = expand_str(n->words[i] + nl + 1);
        var_set(n->words[i], nl, v, exported);
    }
}

/* NAME ARGS: the body (source text) parsed anew and run with ARGS as $1..., redirections around it */
static int call_function(struct func *f, int argc, char **argv, struct node *n) {
    struct lexer L; memset(&L, 0, sizeof L); L.s = f->body;
    struct node *body = parse_command(&L);
    if (!body) return 2;
    if (n->nassign) apply_assignments(n, 0);
    struct saved sv[16]; int ns = 0;
    if (apply_redirs(n->redirs, sv, &ns) < 0) { restore_redirs(sv, ns); return 1; }
    char **save_pos = pos_args; int save_n = npos;
    pos_args = argv + 1; npos = argc - 1;
    int save_loops = loop_depth; loop_depth = 0;
    func_depth++;
    int st = run_node(body);
    /* put back what this call's locals hid, newest first */
    while (nlocals > 0 && locals[nlocals - 1].depth == func_depth) {
        struct saved_var *v = &locals[--nlocals];
        if (v->had) { var_set(v->name, strlen(v->name), v->val, 0); struct var *x = var_find(v->name, strlen(v->name)); if (x) x->exported = v->exported; }
        else var_unset(v->name);
        free(v->name); free(v->val);
    }
    func_depth--;
    if (returning) { returning = 0; st = last_status; }
    loop_depth = save_loops;
    pos_args = save_pos; npos = save_n;
    flush_all();
    restore_redirs(sv, ns);
    return st;
}

static int run_simple(struct node *n, int in_child) {
    exp_error = 0;
    int argc;
    char **argv = expand_words(n->words + n->nassign, n->nwords - n->nassign, &argc);
    if (exp_error) return 1;
    if (opt_xtrace) {
        struct str t = {0};
        str_adds(&t, "+");
        for (int i = 0; i < n->nassign; i++) { str_addc(&t, ' '); str_adds(&t, n->words[i]); }
        for (int i = 0; i < argc; i++) { str_addc(&t, ' '); str_adds(&t, argv[i]); }
        str_addc(&t, '\n');
        flush_all();
        write_all(2, t.s, t.n);
        free(t.s);
    }
    if (argc == 0) {
        int before = last_status;
        last_status = 0;               /* $(cmd) in an assignment sets the status */
        apply_assignments(n, 0);
        int s = last_status;
        last_status = before;
        if (exp_error) return 1;
        if (n->redirs) {
            struct saved sv[16]; int ns = 0;
            int r = apply_redirs(n->redirs, sv, &ns);
            restore_redirs(sv, ns);
            if (r < 0) return 1;
        }
        return s;
    }
    for (int f = 0; f < nfuncs; f++) if (!strcmp(funcs[f].name, argv[0])) return call_function(&funcs[f], argc, argv, n);
    applet_main b = find_builtin(argv[0]);
    if (b == bi_exec && argc == 1) return apply_redirs(n->redirs, 0, 0) < 0 ? 1 : 0;   /* exec >file: for good */
    if (b && !in_child) {
        if (n->nassign) apply_assignments(n, 0);
        struct saved sv[16]; int ns = 0;
        if (apply_redirs(n->redirs, sv, &ns) < 0) { restore_redirs(sv, ns); return 1; }
        const char *prev = applet_name;
        applet_name = argv[0];
        int s = b(argc, argv);
        applet_name = prev;
        flush_all();
        restore_redirs(sv, ns);
        return s;
    }
    if (n->nassign) apply_assignments(n, 1);   /* simplification: prefix assignments stay set */
    struct simple_ctx c = { argc, argv, n };
    if (in_child) return child_exec(0, &c);
    return spawn(1, child_exec, &c, 0, n->text ? n->text : argv[0], n->text ? n->textlen : strlen(argv[0]));
}

static int run_in_child(struct node *n) {
    /* already in a forked child: simple commands exec directly, anything else runs here */
    if (n->type == N_SIMPLE) return run_simple(n, 1);
    return run_node(n);
}

static int child_pipe(int i, void *arg) { struct node *p = arg; return run_in_child(p->cmds[i]); }
static int child_node(int i, void *arg) { (void) i; return run_in_child(arg); }
static int child_subshell(int i, void *arg) {
    (void) i;
    struct node *n = arg;
    if (apply_redirs(n->redirs, 0, 0) < 0) return 1;   /* a subshell's redirections apply inside it */
    return run_node(n->a);
}

static int run_node_redirected(struct node *n, struct node *body) {
    struct saved sv[16]; int ns = 0;
    if (apply_redirs(n->redirs, sv, &ns) < 0) { restore_redirs(sv, ns); return 1; }
    int s = run_node(body);
    flush_all();
    restore_redirs(sv, ns);
    return s;
}

static int loop_control(void) {
    if (break_n > 0) { break_n--; return 1; }
    if (continue_n > 0) { if (--continue_n > 0) return 1; }
    return 0;
}

static int run_node(struct node *n) {
    if (!n) return 0;
    if (exit_requested >= 0 || break_n || continue_n || returning) return last_status;
    int s = 0;
    switch (n->type) {
    case N_SIMPLE: s = run_simple(n, 0); break;
    case N_PIPE: s = spawn(n->ncmds, child_pipe, n, 0, n->text ? n->text : "", n->textlen); break;
    case N_NOT: cond_depth++; s = !run_node(n->a); cond_depth--; break;
    case N_AND: cond_depth++; s = run_node(n->a); cond_depth--; last_status = s; if (s == 0) s = run_node(n->b); break;
    case N_OR: cond_depth++; s = run_node(n->a); cond_depth--; last_status = s; if (s != 0) s = run_node(n->b); break;
    case N_FUNCDEF: {
        int f = 0;
        while (f < nfuncs && strcmp(funcs[f].name, n->name)) f++;
        if (f == nfuncs) { funcs = xrealloc(funcs, sizeof *funcs * (size_t) (nfuncs + 1)); funcs[f].name = xstrdup(n->name); funcs[f].body = 0; nfuncs++; }
        free(funcs[f].body);
        funcs[f].body = xstrdup(n->body);
        s = 0;
        break;
    }
    case N_CASE: {
        struct saved sv[16]; int ns = 0;
        if (apply_redirs(n->redirs, sv, &ns) < 0) { restore_redirs(sv, ns); return 1; }
        exp_error = 0;
        char *subject = expand_str(n->words[0]);
        s = 0;
        for (int i = 0; i < n->ncmds && !exp_error; i++) {
            int hit = 0;
            for (int k = 0; k < n->npats[i] && !hit; k++) {
                /* the pattern: quoted parts literal, the rest active */
                struct str cur = {0}, pat = {0};
                int has = 0, globby = 0; char **fields = 0; int nf = 0, capf = 0;
                expand_into(n->pats[i][k], 2, &cur, &has, &globby, &pat, &fields, &nf, &capf);
                hit = fnmatch(pat.s ? pat.s : "", subject, 0) == 0;
                free(cur.s); free(pat.s);
            }
            if (hit) { s = n->cmds[i] ? run_node(n->cmds[i]) : 0; break; }
        }
        if (exp_error) s = 1;
        flush_all();
        restore_redirs(sv, ns);
        break;
    }
    case N_SEQ: last_status = run_node(n->a); s = run_node(n->b); break;
    case N_BG: s = spawn(1, child_node, n->a, 1, n->text ? n->text : "", n->textlen); break;
    case N_SUBSHELL: s = spawn(1, child_subshell, n, 0, n->text ? n->text : "(...)", n->text ? n->textlen : 5); break;
    case N_GROUP: s = run_node_redirected(n, n->a); break;
    case N_IF: {
        struct saved sv[16]; int ns = 0;
        if (apply_redirs(n->redirs, sv, &ns) < 0) { restore_redirs(sv, ns); return 1; }
        cond_depth++;
        int c = run_node(n->a);
        cond_depth--;
        last_status = c;
        if (c == 0) s = run_node(n->b);
        else if (n->c) s = run_node(n->c);
        else s = 0;
        flush_all();
        restore_redirs(sv, ns);
        break;
    }
    case N_WHILE: case N_UNTIL: {
        struct saved sv[16]; int ns = 0;
        if (apply_redirs(n->redirs, sv, &ns) < 0) { restore_redirs(sv, ns); return 1; }
        loop_depth++;
        s = 0;
        for (;;) {
            cond_depth++;
            int c = run_node(n->a);
            cond_depth--;
            last_status = c;
            if (exit_requested >= 0 || returning) break;
            if (break_n || continue_n) { if (loop_control()) break; else continue; }
            if ((c == 0) != (n->type == N_WHILE)) break;
            s = run_node(n->b);
            last_status = s;
            if (exit_requested >= 0 || returning) break;
            if (break_n || continue_n) { if (loop_control()) break; }
        }
        loop_depth--;
        flush_all();
        restore_redirs(sv, ns);
        break;
    }
    case N_FOR: {
        struct saved sv[16]; int ns = 0;
        if (apply_redirs(n->redirs, sv, &ns) < 0) { restore_redirs(sv, ns); return 1; }
        int count;
        char **items;
        if (n->has_in) { exp_error = 0; items = expand_words(n->words, n->nwords, &count); if (exp_error) { restore_redirs(sv, ns); return 1; } }
        else { items = pos_args; count = npos; }
        loop_depth++;
        s = 0;
        for (int i = 0; i < count; i++) {
            var_set(n->name, strlen(n->name), items[i], 0);
            s = run_node(n->b);
            last_status = s;
            if (exit_requested >= 0 || returning) break;
            if (break_n || continue_n) { if (loop_control()) break; }
        }
        loop_depth--;
        flush_all();
        restore_redirs(sv, ns);
        break;
    }
    }
    last_status = s;
    /* set -e: a failing command (not a condition, not the left of && or ||) ends the shell */
    if (opt_errexit && !cond_depth && s != 0 && (n->type == N_SIMPLE || n->type == N_PIPE || n->type == N_SUBSHELL) && exit_requested < 0)
        exit_requested = s;
    return s;
}

/* $(cmd): runs cmd in a child with stdout on a pipe, returns its output minus trailing newlines */
static int child_string(int i, void *arg) { (void) i; return run_string(arg, 0); }

static char *run_capture(const char *cmd) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) { exp_error = 1; return ""; }
    flush_all();
    pid_t pid = fork();
    if (pid < 0) { close(p[0]); close(p[1]); exp_error = 1; return ""; }
    if (pid == 0) {
        dup2(p[1], 1); close(p[1]); close(p[0]);
        interactive = 0; jobctl = 0;
        reset_child_signals();
        int s = child_string(0, (void *) cmd);
        flush_all();
        _exit(s);
    }
    close(p[1]);
    struct str b = {0};
    char buf[4096];
    for (;;) {
        ssize_t k = read(p[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        str_addn(&b, buf, (size_t) k);
    }
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    last_status = status_of(st);
    while (b.n > 0 && b.s[b.n - 1] == '\n') b.s[--b.n] = 0;
    return str_take_arena(&b);
}

/* ---------- input loop ---------- */

struct input { int fd; const char *text; size_t tpos; struct lreader lr; int use_lr; };

static volatile sig_atomic_t got_sigint;
static void on_sigint(int sig) { (void) sig; got_sigint = 1; }

/* reads one line (with its newline) from the input; NULL at end of input */
static char *read_line(struct input *in, const char *prompt) {
    if (in->text) {
        if (!in->text[in->tpos]) return 0;
        const char *s = in->text + in->tpos, *nl = strchr(s, '\n');
        size_t len = nl ? (size_t) (nl - s) + 1 : strlen(s);
        in->tpos += len;
        return astrndup(s, len);
    }
    if (prompt) { flush_all(); write_all(2, prompt, strlen(prompt)); }
    struct str b = {0};
    for (;;) {
        char c;
        ssize_t k;
        if (in->use_lr) {
            /* a terminal delivers a line per read; buffering is safe */
            if (in->lr.pos == in->lr.len) {
                k = read(in->fd, in->lr.b, sizeof in->lr.b);
                if (k < 0 && errno == EINTR) {
                    if (got_sigint) { got_sigint = 0; free(b.s); write_all(2, "\n", 1); return astrndup("\n", 1); }
                    continue;
                }
                if (k <= 0) break;
                in->lr.pos = 0; in->lr.len = (int) k;
            }
            c = in->lr.b[in->lr.pos++];
        } else {
            /* a pipe or file: one byte at a time so commands we start read the rest */
            k = read(in->fd, &c, 1);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) break;
        }
        str_addc(&b, c);
        if (c == '\n') break;
    }
    if (!b.s) return 0;
    return str_take_arena(&b);
}

/* Parses and runs text (a complete program). Returns the last status. */
static int run_string(const char *text, int top) {
    (void) top;
    struct lexer L; memset(&L, 0, sizeof L); L.s = text;
    struct node *n = parse_list(&L, 1);
    if (L.error || L.incomplete || (!n && peek(&L) != T_EOF)) {
        fdf(2, "sh: syntax error: %s\n", L.error ? L.error : "unexpected end of input");
        last_status = 2;
        return 2;
    }
    if (n) last_status = run_node(n);
    return last_status;
}

static int run_input(struct input *in) {
    const char *ps1 = 0;
    for (;;) {
        if (exit_requested >= 0) break;
        if (interactive) {
            got_sigint = 0;
            jobs_notify();
            ps1 = var_get("PS1");
            if (!ps1) ps1 = "multios# ";
        }
        char *line = read_line(in, interactive ? ps1 : 0);
        if (!line) break;
        struct str prog = {0};
        str_adds(&prog, line);
        struct node *n = 0;
        struct lexer L;
        for (;;) {
            memset(&L, 0, sizeof L); L.s = prog.s;
            n = parse_list(&L, 1);
            if (!L.incomplete || L.error) break;
            const char *ps2 = var_get("PS2");
            char *more = read_line(in, interactive ? (ps2 ? ps2 : "> ") : 0);
            if (!more) { L.error = "unexpected end of input"; break; }
            str_adds(&prog, more);
        }
        if (L.error) {
            fdf(2, "sh: syntax error: %s\n", L.error);
            last_status = 2;
            free(prog.s);
            if (!interactive) return 2;
            arena_reset();
            continue;
        }
        if (n) last_status = run_node(n);
        flush_all();
        free(prog.s);
        if (!in->text) arena_reset();   /* the tree of a script text stays in the arena anyway */
    }
    if (exit_requested >= 0) return exit_requested;
    return last_status;
}

static int source_file(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct str b = {0};
    char buf[4096];
    ssize_t k;
    while ((k = read(fd, buf, sizeof buf)) > 0) str_addn(&b, buf, (size_t) k);
    close(fd);
    struct input in = {0};
    in.text = b.s ? b.s : "";
    int save = interactive; interactive = 0;
    int s = run_input(&in);
    interactive = save;
    /* b.s must outlive the trees built from it: the arena is reset only between top-level lines */
    return s;
}

/* ---------- builtins ---------- */

static int bi_colon(int argc, char **argv) { (void) argc; (void) argv; return 0; }

static int bi_cd(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : var_get("HOME");
    if (!dir) dir = "/";
    if (strcmp(dir, "-") == 0) { dir = var_get("OLDPWD"); if (!dir) { fdf(2, "sh: cd: OLDPWD not set\n"); return 1; } outf("%s\n", dir); }
    char old[4096];
    if (!getcwd(old, sizeof old)) old[0] = 0;
    if (chdir(dir) < 0) { fdf(2, "sh: cd: %s: %s\n", dir, strerror(errno)); return 1; }
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd)) var_set("PWD", 3, cwd, 1);
    if (old[0]) var_set("OLDPWD", 6, old, 1);
    return 0;
}

static int bi_pwd(int argc, char **argv) { return pwd_main(argc, argv); }

static int bi_export(int argc, char **argv) {
    if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
        for (int i = 0; i < nvars; i++) if (vars[i].exported) outf("export %s=\"%s\"\n", vars[i].name, vars[i].val ? vars[i].val : "");
        return 0;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t nl = eq ? (size_t) (eq - argv[i]) : strlen(argv[i]);
        if (nl == 0 || !is_name_start((unsigned char) argv[i][0])) { fdf(2, "sh: export: %s: bad variable name\n", argv[i]); rc = 1; continue; }
        var_set(argv[i], nl, eq ? eq + 1 : 0, 1);
    }
    return rc;
}

static int bi_unset(int argc, char **argv) { for (int i = 1; i < argc; i++) var_unset(argv[i]); return 0; }

static int bi_exit(int argc, char **argv) {
    long v = last_status;
    if (argc > 1 && parse_long(argv[1], &v) != 0) { fdf(2, "sh: exit: %s: numeric argument required\n", argv[1]); v = 2; }
    exit_requested = (int) (v & 255);
    return exit_requested;
}

static int bi_set(int argc, char **argv) {
    if (argc == 1) { for (int i = 0; i < nvars; i++) if (vars[i].val) outf("%s='%s'\n", vars[i].name, vars[i].val); return 0; }
    int i = 1;
    for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) { i++; goto positional; }
        int on = argv[i][0] == '-';
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'e') opt_errexit = on;
            else if (*o == 'x') opt_xtrace = on;
            else { fdf(2, "sh: set: -%c: unknown option (supported: -e -x)\n", *o); return 2; }
        }
    }
    if (i == argc) return 0;
positional:
    npos = argc - i;
    pos_args = xmalloc(sizeof(char *) * (size_t) (npos + 1));
    for (int k = 0; k < npos; k++) pos_args[k] = xstrdup(argv[i + k]);
    pos_args[npos] = 0;
    return 0;
}

static int bi_shift(int argc, char **argv) {
    long k = 1;
    if (argc > 1 && parse_long(argv[1], &k) != 0) { fdf(2, "sh: shift: %s: numeric argument required\n", argv[1]); return 2; }
    if (k < 0 || k > npos) return 1;
    pos_args += k; npos -= (int) k;
    return 0;
}

static int bi_dot(int argc, char **argv) {
    if (argc < 2) { fdf(2, "sh: .: filename argument required\n"); return 2; }
    int s = source_file(argv[1]);
    if (s < 0) { fdf(2, "sh: .: %s: %s\n", argv[1], strerror(errno)); return 1; }
    return s;
}

static int bi_eval(int argc, char **argv) {
    struct str b = {0};
    for (int i = 1; i < argc; i++) { if (i > 1) str_addc(&b, ' '); str_adds(&b, argv[i]); }
    if (!b.s) return 0;
    char *text = str_take_arena(&b);
    return run_string(text, 0);
}

static int bi_read(int argc, char **argv) {
    int raw = 0, i = 1;
    if (i < argc && strcmp(argv[i], "-r") == 0) { raw = 1; i++; }
    struct str line = {0};
    int got = 0;
    for (;;) {
        char c;
        ssize_t k = read(0, &c, 1);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got = 1;
        if (c == '\n') break;
        if (c == '\\' && !raw) { k = read(0, &c, 1); if (k <= 0) break; if (c == '\n') continue; }
        str_addc(&line, c);
    }
    const char *s = line.s ? line.s : "";
    if (i >= argc) { var_set("REPLY", 5, s, 0); free(line.s); return got ? 0 : 1; }
    for (; i < argc; i++) {
        while (*s == ' ' || *s == '\t') s++;
        const char *e = s;
        if (i == argc - 1) { e = s + strlen(s); while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--; }
        else while (*e && *e != ' ' && *e != '\t') e++;
        char *v = astrndup(s, (size_t) (e - s));
        var_set(argv[i], strlen(argv[i]), v, 0);
        s = e;
    }
    free(line.s);
    return got ? 0 : 1;
}

static int bi_local(int argc, char **argv) {
    if (!func_depth) { fdf(2, "sh: local: not in a function\n"); return 1; }
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t nl = eq ? (size_t) (eq - argv[i]) : strlen(argv[i]);
        if (!nl || !is_name_start((unsigned char) argv[i][0])) { fdf(2, "sh: local: %s: bad variable name\n", argv[i]); return 1; }
        int seen = 0;   /* a second `local x` in the same call keeps the first saved value */
        for (int k = nlocals - 1; k >= 0 && locals[k].depth == func_depth; k--) if (strlen(locals[k].name) == nl && !strncmp(locals[k].name, argv[i], nl)) seen = 1;
        if (!seen) {
            if (nlocals == caplocals) { caplocals = caplocals * 2 + 16; locals = xrealloc(locals, sizeof *locals * (size_t) caplocals); }
            struct var *old = var_find(argv[i], nl);
            struct saved_var *v = &locals[nlocals++];
            v->name = xmalloc(nl + 1); memcpy(v->name, argv[i], nl); v->name[nl] = 0;
            v->had = old && old->val; v->val = v->had ? xstrdup(old->val) : 0; v->exported = old ? old->exported : 0;
            v->depth = func_depth;
        }
        if (eq || !seen) var_set(argv[i], nl, eq ? eq + 1 : "", 0);
    }
    return 0;
}

static int bi_return(int argc, char **argv) {
    long v = last_status;
    if (argc > 1 && parse_long(argv[1], &v) != 0) { fdf(2, "sh: return: %s: numeric argument required\n", argv[1]); v = 2; }
    if (!func_depth) { fdf(2, "sh: return: not in a function\n"); return 1; }
    returning = 1;
    last_status = (int) (v & 255);
    return last_status;
}

static int bi_break(int argc, char **argv) {
    long k = 1;
    if (argc > 1 && (parse_long(argv[1], &k) != 0 || k < 1)) { fdf(2, "sh: break: bad count\n"); return 1; }
    if (!loop_depth) return 0;
    break_n = (int) (k > loop_depth ? loop_depth : k);
    return 0;
}

static int bi_continue(int argc, char **argv) {
    long k = 1;
    if (argc > 1 && (parse_long(argv[1], &k) != 0 || k < 1)) { fdf(2, "sh: continue: bad count\n"); return 1; }
    if (!loop_depth) return 0;
    if (k > loop_depth) k = loop_depth;
    break_n = (int) k - 1;
    continue_n = 1;
    return 0;
}

static struct job *find_job(const char *spec) {
    if (!spec) {   /* the most recent job */
        for (int i = 63; i >= 0; i--) if (jobs[i]) return jobs[i];
        return 0;
    }
    if (spec[0] == '%') spec++;
    long k;
    if (parse_long(spec, &k) == 0 && k >= 1 && k <= 64) return jobs[k - 1];
    if (*spec == '+' || *spec == '%' || !*spec) return find_job(0);
    return 0;
}

static int bi_jobs(int argc, char **argv) {
    (void) argc; (void) argv;
    jobs_reap();
    int last = -1;
    for (int i = 0; i < 64; i++) if (jobs[i]) last = i;
    for (int i = 0; i < 64; i++) if (jobs[i]) {
        struct job *j = jobs[i];
        char state[32];
        if (j->alive == 0 && job_status(j) != 0) sfmt(state, sizeof state, "Exit %d", job_status(j));
        else sfmt(state, sizeof state, "%s", job_state(j));
        outf("[%d]%c  %-24s%s\n", j->id, i == last ? '+' : ' ', state, j->cmd);
        if (j->alive == 0) job_free(j);
    }
    return 0;
}

static int wait_for(struct job *j) {
    while (j->alive > 0 && !j->stopped) {
        int st;
        pid_t r = waitpid(-1, &st, 0);
        if (r < 0) { if (errno == EINTR) { if (got_sigint) { got_sigint = 0; return 130; } continue; } break; }
        job_note(r, st);
    }
    return job_status(j);
}

static int bi_wait(int argc, char **argv) {
    int s = 0;
    if (argc == 1) {
        for (int i = 0; i < 64; i++) if (jobs[i]) { s = wait_for(jobs[i]); if (!jobs[i]->stopped) job_free(jobs[i]); }
        return 0;
    }
    for (int a = 1; a < argc; a++) {
        struct job *j = 0;
        if (argv[a][0] == '%') j = find_job(argv[a]);
        else {
            long pid;
            if (parse_long(argv[a], &pid) != 0) { fdf(2, "sh: wait: %s: bad pid\n", argv[a]); return 2; }
            for (int i = 0; i < 64 && !j; i++) if (jobs[i]) for (int k = 0; k < jobs[i]->npids; k++) if (jobs[i]->pids[k] == pid || jobs[i]->pids[k] == -pid) j = jobs[i];
            if (!j) { s = 127; continue; }
            /* a pid names one process of a job: wait for the job, report that process */
            wait_for(j);
            for (int k = 0; k < j->npids; k++) if (j->pids[k] == -pid) s = status_of(j->st[k]);
            if (j->alive == 0) job_free(j);
            continue;
        }
        if (!j) { fdf(2, "sh: wait: %s: no such job\n", argv[a]); s = 127; continue; }
        s = wait_for(j);
        if (j->alive == 0) job_free(j);
    }
    return s;
}

static int bi_fg(int argc, char **argv) {
    jobs_reap();
    struct job *j = find_job(argc > 1 ? argv[1] : 0);
    if (!j) { fdf(2, "sh: fg: %s: no such job\n", argc > 1 ? argv[1] : "current"); return 1; }
    outf("%s\n", j->cmd); flush_all();
    if (j->alive == 0) { int s = job_status(j); job_free(j); return s; }
    set_fg(j->pgid);
    if (j->stopped) { if (kill(-j->pgid, SIGCONT) < 0) for (int k = 0; k < j->npids; k++) if (j->pids[k] > 0) kill(j->pids[k], SIGCONT); j->stopped = 0; }
    int s = 0;
    while (j->alive > 0 && !j->stopped) {
        int st;
        pid_t r = waitpid(-1, &st, wait_flags());
        if (r < 0) { if (errno == EINTR) continue; if (errno == EINVAL && untraced_ok) { untraced_ok = 0; continue; } break; }
        job_note(r, st);
    }
    set_fg(shell_pgid);
    if (j->stopped) { fdf(2, "\n[%d]+  Stopped                 %s\n", j->id, j->cmd); return 128 + SIGTSTP; }
    s = job_status(j);
    if (interactive && WIFSIGNALED(j->st[j->npids - 1]) && WTERMSIG(j->st[j->npids - 1]) == SIGINT) fdf(2, "\n");
    job_free(j);
    return s;
}

static int bi_bg(int argc, char **argv) {
    struct job *j = find_job(argc > 1 ? argv[1] : 0);
    if (!j) { fdf(2, "sh: bg: no such job\n"); return 1; }
    if (j->stopped) { if (kill(-j->pgid, SIGCONT) < 0) for (int k = 0; k < j->npids; k++) if (j->pids[k] > 0) kill(j->pids[k], SIGCONT); j->stopped = 0; }
    outf("[%d]+ %s &\n", j->id, j->cmd);
    return 0;
}

/* kill understands %N job specs here; the rest is the kill applet */
static int bi_kill(int argc, char **argv) {
    char **a = amalloc(sizeof(char *) * (size_t) (argc + 1));
    for (int i = 0; i < argc; i++) {
        a[i] = argv[i];
        if (argv[i][0] == '%') {
            struct job *j = find_job(argv[i]);
            if (!j) { fdf(2, "sh: kill: %s: no such job\n", argv[i]); return 1; }
            char *s = amalloc(24); sfmt(s, 24, "-%d", (int) j->pgid);
            /* without process groups (no job control), signal the job's last process */
            if (!jobctl) { int k = j->npids - 1; sfmt(s, 24, "%d", (int) (j->pids[k] < 0 ? -j->pids[k] : j->pids[k])); }
            a[i] = s;
        }
    }
    a[argc] = 0;
    return kill_main(argc, a);
}

static int bi_exec(int argc, char **argv) {
    if (argc == 1) return 0;   /* "exec >file": redirections were applied and are not restored (see run_simple) */
    exec_command(argc - 1, argv + 1);
}

/* ---------- entry ---------- */

static void init_vars(void) {
    for (char **e = environ; e && *e; e++) {
        char *eq = strchr(*e, '=');
        if (eq) var_set(*e, (size_t) (eq - *e), eq + 1, 1);
    }
    if (!var_get("PATH")) var_set("PATH", 4, "/bin:/sbin:/usr/bin:/usr/sbin", 1);
    char ppid[16]; sfmt(ppid, sizeof ppid, "%d", (int) getppid());
    var_set("PPID", 4, ppid, 0);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd)) var_set("PWD", 3, cwd, 1);
}

int sh_main(int argc, char **argv) {
    const char *cmd = 0, *script = 0;
    opt_errexit = opt_xtrace = 0;
    int force_i = 0, login = argv[0][0] == '-';
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0) { if (++i >= argc) usage("sh [-ilex] [-c COMMAND [NAME [ARGS...]] | SCRIPT [ARGS...]]"); cmd = argv[i]; i++; break; }
        else if (strcmp(argv[i], "-i") == 0) force_i = 1;
        else if (strcmp(argv[i], "-l") == 0) login = 1;
        else if (strcmp(argv[i], "-e") == 0) opt_errexit = 1;
        else if (strcmp(argv[i], "-x") == 0) opt_xtrace = 1;
        else if (strcmp(argv[i], "-s") == 0) { i++; break; }
        else if (strcmp(argv[i], "--") == 0) { i++; break; }
        else if (argv[i][0] == '-' && argv[i][1]) { fdf(2, "sh: %s: unknown option\n", argv[i]); return 2; }
        else break;
    }
    if (!cmd && i < argc && strcmp(argv[i - 1], "-s") != 0) { script = argv[i]; arg0 = script; i++; }
    else if (cmd && i < argc) { arg0 = argv[i]; i++; }
    pos_args = argv + i; npos = argc - i;
    /* a fresh shell state: this may run in a forked child of another shell (an applet run
     * without exec), whose variables and jobs must not leak into us */
    nvars = 0; nfuncs = 0; cond_depth = 0; nlocals = 0; func_depth = returning = 0; memset(jobs, 0, sizeof jobs);
    last_status = 0; interactive = 0; jobctl = 0; last_bg = 0; loop_depth = break_n = continue_n = 0; exit_requested = -1;
    root_pid = getpid();
    init_vars();

    struct input in; memset(&in, 0, sizeof in);
    if (cmd) { in.text = cmd; }
    else if (script) {
        int fd = open(script, O_RDONLY | O_CLOEXEC);
        if (fd < 0) { fdf(2, "sh: %s: %s\n", script, strerror(errno)); return 127; }
        struct str b = {0}; char buf[4096]; ssize_t k;
        while ((k = read(fd, buf, sizeof buf)) > 0) str_addn(&b, buf, (size_t) k);
        close(fd);
        in.text = b.s ? b.s : "";
        if (in.text[0] == '#' && in.text[1] == '!') { /* the #! line is a comment to us */ }
    } else {
        in.fd = 0;
        interactive = force_i || isatty(0) || login;
        if (interactive && isatty(0)) { in.use_lr = 1; lr_init(&in.lr, 0); }
    }

    if (interactive) {
        struct sigaction sa; memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;          /* no SA_RESTART: ^C interrupts the read at the prompt */
        sigaction(SIGINT, &sa, 0);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
        signal(SIGTTIN, SIG_IGN);
        signal(SIGTTOU, SIG_IGN);
        /* job control: our own process group, and the terminal's foreground group is ours */
        tty_fd = fcntl(0, F_DUPFD_CLOEXEC, 10);
        if (tty_fd >= 0 && isatty(tty_fd)) {
            if (getpgrp() != getpid() && getsid(0) != getpid()) setpgid(0, 0);
            shell_pgid = getpgrp();
            pid_t fg = tcgetpgrp(tty_fd);
            if (fg >= 0 && tcsetpgrp(tty_fd, shell_pgid) == 0) jobctl = 1;
            else if (fg < 0 && (errno == ENOTTY || errno == ENOSYS || errno == EINVAL)) jobctl = 0;
        }
        if (login) source_file("/etc/profile");
    }
    int s = run_input(&in);
    if (interactive && !in.text && exit_requested < 0) write_all(2, "\n", 1);
    flush_all();
    return s;
}
