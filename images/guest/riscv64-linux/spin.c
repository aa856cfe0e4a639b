/* Hostile: an infinite loop; only the timer interrupt and a time limit can end it. */
#include <stdio.h>
int main(void) {
    puts("spinning");
    fflush(stdout);
    for (volatile unsigned long i = 0;; i++) {}
}
