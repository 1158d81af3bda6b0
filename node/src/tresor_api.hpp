// node/src/tresor_api.hpp — libtresor's C API (tresor/tresor.h), loaded at
// run time.
//
// The addon is not linked against libtresor: it dlopens $TRESOR_LIBRARY when
// that is set (the tests point it at the build tree's library), else the
// installed libtresor.so.0 through the dynamic loader's usual search, exactly
// as the Python package does. A missing library is then one clear error,
// "tresor library not found: ...", from the first call instead of an opaque
// failure of require().
#pragma once

#include <string>

#include "tresor/tresor.h"

namespace tresor::node {

struct TresorApi {
    decltype(&tresor_open) open;
    decltype(&tresor_close) close;
    decltype(&tresor_set) set;
    decltype(&tresor_get) get;
    decltype(&tresor_free_secret) free_secret;
    decltype(&tresor_remove) remove;
    decltype(&tresor_list_open) list_open;
    decltype(&tresor_list_next) list_next;
    decltype(&tresor_list_free) list_free;
    decltype(&tresor_request) request;
    decltype(&tresor_response_status) response_status;
    decltype(&tresor_response_header) response_header;
    decltype(&tresor_response_body) response_body;
    decltype(&tresor_response_redacted) response_redacted;
    decltype(&tresor_response_free) response_free;
};

// The table, loaded once per process (safe from any thread); nullptr with
// the reason in *why when the library or one of its functions is missing.
const TresorApi* load_tresor_api(std::string* why);

}  // namespace tresor::node
