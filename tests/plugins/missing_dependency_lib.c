/* The dependency tresor-missing-dep.so cannot find at load time. */
__attribute__((visibility("default"))) int tresor_test_dependency_answer(void) {
    return 42;
}
