#ifndef MBOX_APPLETS_H
#define MBOX_APPLETS_H
#define APPLET(name, fn, dir) int fn(int argc, char **argv);
#include "applets.def"
#undef APPLET
#endif
