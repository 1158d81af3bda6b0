/* A shared library that is not a tresor plugin: no tresor_plugin_entry. */
__attribute__((visibility("default"))) int some_other_function(void) {
    return 42;
}
