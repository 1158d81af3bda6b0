// The C API (tresor/tresor.h): a thin layer over tresor::Store. Exceptions are
// turned into status codes at exactly one guard.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/credential.hpp"
#include "core/status.hpp"
#include "tresor/store.hpp"
#include "tresor/tresor.h"

struct tresor_store {
    tresor::Store store;
};

struct tresor_response {
    tresor::HttpResponse response;
};

struct tresor_list {
    std::vector<tresor::Entry> entries;
    std::size_t next = 0;
    tresor_entry current{};
    std::string current_attributes;
};

namespace {

void fill_error(tresor_error* err, tresor_status code, const char* message) {
    if (err == nullptr) {
        return;
    }
    err->code = code;
    std::strncpy(err->message, message, sizeof(err->message) - 1);
    err->message[sizeof(err->message) - 1] = '\0';
}

template <typename Body>
tresor_status guarded(tresor_error* err, Body&& body) noexcept {
    fill_error(err, TRESOR_OK, "");
    try {
        const tresor_status status = body();
        if (status == TRESOR_NOT_FOUND) {
            fill_error(err, status, "not found");
        }
        return status;
    } catch (const tresor::Error& e) {
        const tresor_status status = tresor::core::to_status(e.code());
        fill_error(err, status, e.what());
        return status;
    } catch (const std::bad_alloc&) {
        fill_error(err, TRESOR_INTERNAL, "out of memory");
        return TRESOR_INTERNAL;
    } catch (const std::exception& e) {
        fill_error(err, TRESOR_INTERNAL, e.what());
        return TRESOR_INTERNAL;
    } catch (...) {
        fill_error(err, TRESOR_INTERNAL, "unknown exception");
        return TRESOR_INTERNAL;
    }
}

tresor::Key make_key(const char* service, const char* name) {
    if (name == nullptr) {
        throw tresor::Error(tresor::ErrorCode::invalid_argument, "name must not be NULL");
    }
    return {service != nullptr ? service : "", name};
}

tresor_status open_with(tresor_store** out, tresor::OpenOptions options) {
    *out = nullptr;
    *out = new tresor_store{tresor::Store::open(options)};
    return TRESOR_OK;
}

static_assert(TRESOR_SCOPE_METADATA == static_cast<uint32_t>(tresor::Scope::metadata));
static_assert(TRESOR_SCOPE_STORE == static_cast<uint32_t>(tresor::Scope::store));
static_assert(TRESOR_SCOPE_READ == static_cast<uint32_t>(tresor::Scope::read));
static_assert(TRESOR_SCOPE_USE == static_cast<uint32_t>(tresor::Scope::use));
static_assert(TRESOR_SCOPE_ALL == tresor::Scopes::all().bits());

// The secret `read` finds, copied for the caller to free with
// tresor_free_secret, or TRESOR_NOT_FOUND. The copy is in Secret's allocator
// (platform/secure_memory.hpp): locked where possible, wiped on free. One
// byte more, a NUL: an empty secret still gets a non-NULL pointer, and a
// header's lines are a C string.
template <typename Byte, typename Read>
tresor_status hand_out(tresor_error* err, Byte** out, size_t* length, Read&& read) noexcept {
    *out = nullptr;
    *length = 0;
    return guarded(err, [&] {
        const std::optional<tresor::Secret> secret = read();
        if (!secret) {
            return TRESOR_NOT_FOUND;
        }
        auto* copy = static_cast<Byte*>(tresor::detail::secure_allocate(secret->size() + 1));
        std::copy(secret->bytes().begin(), secret->bytes().end(), reinterpret_cast<uint8_t*>(copy));
        copy[secret->size()] = 0;
        *out = copy;
        *length = secret->size();
        return TRESOR_OK;
    });
}

std::int64_t unix_seconds(const std::optional<tresor::Timestamp>& t) {
    return t ? t->time_since_epoch().count() : 0;
}

}  // namespace

extern "C" {

tresor_status tresor_open(const char* config_path, tresor_store** store, tresor_error* err) {
    return guarded(err, [&] {
        tresor::OpenOptions options;
        if (config_path != nullptr) {
            options.config_path = config_path;
        }
        return open_with(store, options);
    });
}

tresor_status tresor_open_toml(const char* config_toml, tresor_store** store, tresor_error* err) {
    return guarded(err, [&] {
        tresor::OpenOptions options;
        options.config_toml = config_toml != nullptr ? config_toml : "";
        return open_with(store, options);
    });
}

void tresor_close(tresor_store* store) {
    delete store;
}

tresor_status tresor_narrow(const tresor_store* store, uint32_t scopes, tresor_store** narrowed,
                            tresor_error* err) {
    *narrowed = nullptr;
    return guarded(err, [&] {
        if ((scopes & ~TRESOR_SCOPE_ALL) != 0) {
            throw tresor::Error(tresor::ErrorCode::invalid_argument, "unknown scope bits");
        }
        *narrowed = new tresor_store{store->store.narrowed(tresor::Scopes::from_bits(scopes))};
        return TRESOR_OK;
    });
}

uint32_t tresor_scopes(const tresor_store* store) {
    return store->store.scopes().bits();
}

tresor_status tresor_set(tresor_store* store, const char* service, const char* name,
                         const uint8_t* value, size_t value_length,
                         const tresor_set_options* options, tresor_error* err) {
    return tresor_set_credential(store, service, name, value, value_length, options, nullptr, err);
}

tresor_status tresor_set_credential(tresor_store* store, const char* service, const char* name,
                                    const uint8_t* value, size_t value_length,
                                    const tresor_set_options* options, const char* attributes_json,
                                    tresor_error* err) {
    return guarded(err, [&] {
        if (value == nullptr && value_length != 0) {
            throw tresor::Error(tresor::ErrorCode::invalid_argument, "value is NULL");
        }
        tresor::SetOptions set_options;
        if (options != nullptr) {
            if (options->type > static_cast<uint32_t>(tresor::SecretType::custom)) {
                throw tresor::Error(tresor::ErrorCode::invalid_argument, "unknown secret type");
            }
            set_options.type = static_cast<tresor::SecretType>(options->type);
            set_options.label = options->label != nullptr ? options->label : "";
            set_options.description = options->description != nullptr ? options->description : "";
            if (options->expires_at != 0) {
                set_options.expires_at =
                    tresor::Timestamp(std::chrono::seconds(options->expires_at));
            }
        }
        if (attributes_json != nullptr) {
            try {
                set_options.attributes = tresor::core::decode_attributes(attributes_json, "C API");
            } catch (const tresor::Error&) {
                throw tresor::Error(tresor::ErrorCode::invalid_argument,
                                    "attributes must be a JSON object of strings");
            }
        }
        const tresor::Secret secret(std::span<const uint8_t>(value, value_length));
        store->store.set(make_key(service, name), secret, set_options);
        return TRESOR_OK;
    });
}

tresor_status tresor_get(tresor_store* store, const char* service, const char* name,
                         uint8_t** value, size_t* value_length, tresor_error* err) {
    return hand_out(err, value, value_length,
                    [&] { return store->store.get(make_key(service, name)); });
}

tresor_status tresor_header(tresor_store* store, const char* service, const char* name,
                            char** header, size_t* header_length, tresor_error* err) {
    return hand_out(err, header, header_length,
                    [&] { return store->store.header(make_key(service, name)); });
}

tresor_status tresor_request(tresor_store* store, const char* service, const char* name,
                             const tresor_http_request* request, tresor_response** response,
                             tresor_error* err) {
    *response = nullptr;
    return guarded(err, [&] {
        if (request == nullptr || request->struct_size < sizeof(tresor_http_request) ||
            request->url == nullptr ||
            (request->headers == nullptr && request->header_count != 0) ||
            (request->body == nullptr && request->body_length != 0)) {
            throw tresor::Error(
                tresor::ErrorCode::invalid_argument,
                "the request is NULL, too short, or lacks its url, headers or body");
        }
        tresor::HttpRequest r;
        r.method = request->method != nullptr ? request->method : "GET";
        r.url = request->url;
        for (size_t i = 0; i < request->header_count; ++i) {
            const tresor_http_header& h = request->headers[i];
            if (h.name == nullptr || h.value == nullptr) {
                throw tresor::Error(tresor::ErrorCode::invalid_argument,
                                    "a header's name or value is NULL");
            }
            r.headers.push_back({h.name, h.value});
        }
        r.body.assign(reinterpret_cast<const char*>(request->body), request->body_length);
        if (request->timeout_ms != 0) {
            r.timeout = std::chrono::milliseconds(request->timeout_ms);
        }
        if (request->max_response_bytes != 0) {
            r.max_response_bytes =
                static_cast<std::size_t>(std::min<uint64_t>(request->max_response_bytes, SIZE_MAX));
        }
        std::optional<tresor::HttpResponse> answer =
            store->store.request(make_key(service, name), r);
        if (!answer) {
            return TRESOR_NOT_FOUND;
        }
        *response = new tresor_response{std::move(*answer)};
        return TRESOR_OK;
    });
}

int tresor_response_status(const tresor_response* response) {
    return response->response.status;
}

int tresor_response_header(const tresor_response* response, size_t index, const char** name,
                           const char** value) {
    if (index >= response->response.headers.size()) {
        return 0;
    }
    *name = response->response.headers[index].name.c_str();
    *value = response->response.headers[index].value.c_str();
    return 1;
}

const uint8_t* tresor_response_body(const tresor_response* response, size_t* length) {
    *length = response->response.body.size();
    return reinterpret_cast<const uint8_t*>(response->response.body.c_str());
}

int tresor_response_redacted(const tresor_response* response) {
    return response->response.redacted ? 1 : 0;
}

void tresor_response_free(tresor_response* response) {
    delete response;
}

void tresor_free_secret(uint8_t* value, size_t value_length) {
    if (value != nullptr) {
        tresor::detail::secure_deallocate(value, value_length + 1);
    }
}

tresor_status tresor_remove(tresor_store* store, const char* service, const char* name,
                            int* removed, tresor_error* err) {
    return guarded(err, [&] {
        const bool was_removed = store->store.remove(make_key(service, name));
        if (removed != nullptr) {
            *removed = was_removed ? 1 : 0;
        }
        return TRESOR_OK;
    });
}

tresor_status tresor_list_open(tresor_store* store, const char* service, tresor_list** list,
                               tresor_error* err) {
    *list = nullptr;
    return guarded(err, [&] {
        auto entries = service != nullptr ? store->store.list(service) : store->store.list();
        *list = new tresor_list{std::move(entries), 0, {}, {}};
        return TRESOR_OK;
    });
}

const tresor_entry* tresor_list_next(tresor_list* list) {
    if (list == nullptr || list->next >= list->entries.size()) {
        return nullptr;
    }
    const tresor::Entry& e = list->entries[list->next++];
    tresor_entry& c = list->current;
    c = {};
    c.struct_size = sizeof(tresor_entry);
    c.service = e.service.c_str();
    c.name = e.name.c_str();
    c.id = e.id.c_str();
    c.type = static_cast<uint32_t>(e.type);
    c.label = e.label.c_str();
    c.description = e.description.c_str();
    c.created_at = unix_seconds(e.created_at);
    c.updated_at = unix_seconds(e.updated_at);
    c.last_used_at = unix_seconds(e.last_used_at);
    c.expires_at = unix_seconds(e.expires_at);
    list->current_attributes = tresor::core::encode_attributes(e.attributes);
    c.attributes = list->current_attributes.c_str();
    return &c;
}

void tresor_list_free(tresor_list* list) {
    delete list;
}

const char* tresor_status_name(tresor_status status) {
    return tresor::core::status_name(status);
}

const char* tresor_version(void) {
    return TRESOR_VERSION;
}

}  // extern "C"
