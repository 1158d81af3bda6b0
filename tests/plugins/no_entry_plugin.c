/* A shared library that is not a tresor plugin: no tresor_plugin_entry. */
#include "tresor/plugin.h" /* TRESOR_PLUGIN_EXPORT: exported as an entry would be */

TRESOR_PLUGIN_EXPORT int some_other_function(void) {
    return 42;
}
