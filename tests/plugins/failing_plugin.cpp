// A plugin whose answers are chosen by its config parameters, to test how the
// host turns each status into an error or a fallback:
//   probe = "ok" | "unavailable" | "locked"    (default ok)
//   open  = "ok" | "unavailable" | "auth_failed" | "locked"
//   calls = "io" | "corrupt" | "permission_denied" | ...  (every data call fails so)
//   ask_password = true   open asks the host for a password first
#include <cstddef>
#include <cstring>
#include <string>

#include "plugins/common/plugin_support.hpp"

namespace {

using tresor::plugin::fail;
using tresor::plugin::guarded;
using tresor::plugin::Params;

tresor_status parse_status(const std::string& name) {
    static const std::pair<const char*, tresor_status> kStatuses[] = {
        {"ok", TRESOR_OK},
        {"unavailable", TRESOR_UNAVAILABLE},
        {"locked", TRESOR_LOCKED},
        {"auth_failed", TRESOR_AUTH_FAILED},
        {"corrupt", TRESOR_CORRUPT},
        {"io", TRESOR_IO},
        {"permission_denied", TRESOR_PERMISSION_DENIED},
        {"internal", TRESOR_INTERNAL},
    };
    for (const auto& [text, status] : kStatuses) {
        if (name == text) {
            return status;
        }
    }
    fail(TRESOR_INVALID_ARGUMENT, "unknown status '" + name + "'");
}

struct Context {
    tresor_status calls;
};

tresor_status answer(tresor_status status, const char* what, tresor_diag* diag) {
    if (status != TRESOR_OK) {
        tresor::plugin::write_diag(diag,
                                   std::string("failing plugin: ") + what + " fails as configured");
    }
    return status;
}

tresor_status probe(const tresor_param* params, size_t count, tresor_diag* diag) {
    return guarded(diag, [&] {
        Params p(params, count);
        return answer(parse_status(p.take_or("probe", "ok")), "probe", diag);
    });
}

tresor_status open(const tresor_param* params, size_t count, const tresor_host* host, void** ctx,
                   tresor_diag* diag) {
    return guarded(diag, [&] {
        Params p(params, count);
        (void)p.take("probe");
        const tresor_status open_status = parse_status(p.take_or("open", "ok"));
        const tresor_status calls = parse_status(p.take_or("calls", "io"));
        const bool ask_password = p.take_bool("ask_password", false);
        p.reject_unknown("failing");
        if (ask_password) {
            auto ignore = [](void*, const uint8_t*, size_t) { return 0; };
            const tresor_status asked =
                host->read_password(host->ctx, "Password: ", ignore, nullptr, diag);
            if (asked != TRESOR_OK) {
                return asked;
            }
        }
        if (open_status == TRESOR_OK) {
            *ctx = new Context{calls};
        }
        return answer(open_status, "open", diag);
    });
}

void close(void* ctx) {
    delete static_cast<Context*>(ctx);
}

tresor_status get(void* ctx, const tresor_key*, tresor_secret_sink, void*, tresor_diag* diag) {
    return answer(static_cast<Context*>(ctx)->calls, "get", diag);
}

tresor_status set(void* ctx, const tresor_key*, const uint8_t*, size_t, const tresor_entry*,
                  tresor_diag* diag) {
    return answer(static_cast<Context*>(ctx)->calls, "set", diag);
}

tresor_status remove(void* ctx, const tresor_key*, int*, tresor_diag* diag) {
    return answer(static_cast<Context*>(ctx)->calls, "remove", diag);
}

tresor_status list(void* ctx, const char*, tresor_entry_sink, void*, tresor_diag* diag) {
    return answer(static_cast<Context*>(ctx)->calls, "list", diag);
}

// An ABI 1.0 table, as a plugin built before set_many (ABI 1.1) has: the
// host must load it and never read past its struct_size.
constexpr tresor_plugin kPlugin = {
    TRESOR_PLUGIN_ABI_MAJOR,
    0,
    offsetof(tresor_plugin, set_many),
    TRESOR_CAP_LIST,
    "failing",
    "0.0.1",
    "fails as configured (tests only)",
    probe,
    open,
    close,
    get,
    set,
    remove,
    list,
    nullptr,
    nullptr,  // beyond struct_size: never read
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const tresor_plugin* tresor_plugin_entry(
    uint32_t, uint32_t) {
    return &kPlugin;
}
