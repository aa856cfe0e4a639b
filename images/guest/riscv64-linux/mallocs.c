/* malloc stress: many sizes, realloc, free in shuffled order, large (mmap) chunks; checksums. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1103515245 + 12345; return rng >> 8; }

int main(void) {
    enum { N = 2000 };
    static unsigned char *ptr[N];
    static size_t size[N];
    unsigned long check = 0;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < N; i++) {
            size_t s = (next() % 8 == 0) ? 1000 + next() % 300000 : 1 + next() % 512;
            ptr[i] = malloc(s);
            size[i] = s;
            memset(ptr[i], (int)(i + round), s);
        }
        for (int i = 0; i < N; i += 3) {
            size_t s = 1 + next() % 4000;
            ptr[i] = realloc(ptr[i], s);
            if (s > size[i]) memset(ptr[i] + size[i], (int)(i + round), s - size[i]);
            size[i] = s;
        }
        for (int k = 0; k < N; k++) {
            int i = (int)(next() % N);
            int j = (int)(next() % N);
            unsigned char *tp = ptr[i]; ptr[i] = ptr[j]; ptr[j] = tp;
            size_t ts = size[i]; size[i] = size[j]; size[j] = ts;
        }
        for (int i = 0; i < N; i++) {
            for (size_t b = 0; b < size[i]; b += 97) check += ptr[i][b];
            free(ptr[i]);
        }
        printf("round %d checksum %lu\n", round, check);
    }
    void *big = calloc(1, 64 << 20);
    printf("calloc 64M %d\n", big != NULL);
    free(big);
    return 0;
}
