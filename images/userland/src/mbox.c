/* mbox: one static binary holding init, the shell and the utilities. It dispatches on the name
 * it was started as (a link /bin/ls -> mbox) or on its first argument (mbox ls -l). */
#include "lib.h"
#include "applets.h"
#include <string.h>
#include <unistd.h>

static const struct { const char *name; applet_main fn; } applets[] = {
#define APPLET(name, fn, dir) { name, fn },
#include "applets.def"
#undef APPLET
};

applet_main find_applet(const char *name) {
    for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++)
        if (strcmp(applets[i].name, name) == 0) return applets[i].fn;
    return 0;
}

int run_applet(int argc, char **argv) {
    const char *name = base_name(argv[0]);
    if (*name == '-') name++;          /* a login shell is started as "-sh" */
    applet_main fn = find_applet(name);
    if (!fn) { applet_name = "mbox"; err("%s: applet not found", name); return 127; }
    applet_name = name;
    int status = fn(argc, argv);
    flush_all();
    return status;
}

int main(int argc, char **argv) {
    const char *self = argc > 0 ? base_name(argv[0]) : "mbox";
    if (argc == 0 || strcmp(self, "mbox") == 0) {
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "--list") == 0) {
            if (argc < 2 || strcmp(argv[1], "--help") == 0) out("usage: mbox APPLET [ARGS...]  (or start it through a link named APPLET)\napplets:");
            for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++) {
                out(argc >= 2 && strcmp(argv[1], "--list") == 0 ? "" : " ");
                out(applets[i].name);
                if (argc >= 2 && strcmp(argv[1], "--list") == 0) out("\n");
            }
            if (!(argc >= 2 && strcmp(argv[1], "--list") == 0)) out("\n");
            flush_all();
            return argc < 2 ? 2 : 0;
        }
        argc--; argv++;
    }
    return run_applet(argc, argv);
}
