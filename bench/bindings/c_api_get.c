/* The reference for the bindings' benchmarks: the same get they make (a
 * 40-byte secret from the memory backend), through libtresor's C API, in a
 * process of its own. Prints {"ns_per_call": ...}: the median of 5 runs of
 * CALLS gets, each a tresor_get and a tresor_free_secret.
 * usage: c_api_get CALLS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tresor/tresor.h"

static const char kConfig[] = "chain = [\"memory\"]\n[backend.memory]\nplugin = \"memory\"\n";
static const char kValue[] = "0123456789012345678901234567890123456789";

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int compare(const void* a, const void* b) {
    const double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

static int get_once(tresor_store* store) {
    uint8_t* value = NULL;
    size_t length = 0;
    const tresor_status status = tresor_get(store, "bench", "token", &value, &length, NULL);
    tresor_free_secret(value, length);
    return status == TRESOR_OK && length == sizeof(kValue) - 1 ? 0 : 1;
}

int main(int argc, char** argv) {
    const long calls = argc > 1 ? atol(argv[1]) : 100000;
    tresor_store* store = NULL;
    tresor_error err;
    if (calls <= 0 || tresor_open_toml(kConfig, &store, &err) != TRESOR_OK ||
        tresor_set(store, "bench", "token", (const uint8_t*)kValue, sizeof(kValue) - 1, NULL,
                   &err) != TRESOR_OK) {
        fprintf(stderr, "c_api_get: %s\n", calls <= 0 ? "CALLS must be positive" : err.message);
        return 1;
    }
    int failures = 0;
    for (long i = 0; i < calls / 10; ++i) { /* warm-up */
        failures += get_once(store);
    }
    double runs[5];
    for (int r = 0; r < 5; ++r) {
        const double start = now_ns();
        for (long i = 0; i < calls; ++i) {
            failures += get_once(store);
        }
        runs[r] = (now_ns() - start) / (double)calls;
    }
    tresor_close(store);
    if (failures != 0) {
        fprintf(stderr, "c_api_get: %d gets failed\n", failures);
        return 1;
    }
    qsort(runs, 5, sizeof(runs[0]), compare);
    printf("{\"ns_per_call\": %.1f}\n", runs[2]);
    return 0;
}
