/* A valid plugin whose own dependency is missing: dlopen must fail with the
 * dynamic loader's reason, as when libsecret is not installed. */
#include "tresor/plugin.h"

int tresor_test_dependency_answer(void);

static tresor_status probe(const tresor_param* params, size_t count, tresor_diag* diag) {
    (void)params;
    (void)count;
    (void)diag;
    return tresor_test_dependency_answer() == 42 ? TRESOR_OK : TRESOR_UNAVAILABLE;
}

static const tresor_plugin kPlugin = {
    TRESOR_PLUGIN_ABI_MAJOR,
    TRESOR_PLUGIN_ABI_MINOR,
    sizeof(tresor_plugin),
    0,
    "missing-dep",
    "0.0.1",
    "needs a library that is not there",
    probe,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
};

__attribute__((visibility("default"))) const tresor_plugin* tresor_plugin_entry(uint32_t major,
                                                                                uint32_t minor) {
    (void)major;
    (void)minor;
    return &kPlugin;
}
