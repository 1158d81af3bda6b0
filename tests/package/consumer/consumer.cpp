// A program outside the tresor tree, built against the installed package.
#include <tresor/tresor.h>
#include <tresor/store.hpp>

#include <iostream>

int main() {
    tresor::Store store = tresor::Store::from_toml("[backend.mem]\nplugin = \"memory\"\n");
    store.set({"consumer", "key"}, tresor::Secret("value"));
    const auto value = store.get({"consumer", "key"});
    if (!value || value->view() != "value" || store.list("consumer").size() != 1) {
        std::cerr << "consumer: round trip failed\n";
        return 1;
    }
    std::cout << "consumer: round trip through libtresor " << tresor_version() << " ok\n";
    return 0;
}
