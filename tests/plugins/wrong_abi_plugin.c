/* A plugin from a future, incompatible tresor: ABI 99.0. */
#include "tresor/plugin.h"

static const tresor_plugin kPlugin = {
    99, 0, sizeof(tresor_plugin), 0, "wrong-abi", "9.9.9", "speaks plugin ABI 99", 0, 0, 0, 0, 0, 0,
    0,  0,  0,
};

TRESOR_PLUGIN_EXPORT const tresor_plugin* tresor_plugin_entry(uint32_t major, uint32_t minor) {
    (void)major;
    (void)minor;
    return &kPlugin;
}
