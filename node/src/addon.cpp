// node/src/addon.cpp — the native half of @tresor/secrets: open, get, set,
// remove, list and fetch, each an AsyncOperation on libuv's thread pool. index.js
// is the public API (argument forms, validation); these functions are its
// private helpers and expect what it passes.
//
// Secret bytes: a value to store is copied out of its JS string or buffer
// into WipedBytes (zeroed when the call ends); a value read stays in
// libtresor's wiped-on-free buffer until it is copied into the JS string or
// Buffer on the main thread, and is freed (wiped) right after.
#include <node_api.h>

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <cstring>
#include <vector>

#include "node/src/async_operation.hpp"

namespace tresor::node {
namespace {

class WipedBytes {
  public:
    WipedBytes() = default;
    explicit WipedBytes(std::size_t size) : bytes_(size) {}
    WipedBytes(const WipedBytes&) = delete;
    WipedBytes& operator=(const WipedBytes&) = delete;
    ~WipedBytes() { ::explicit_bzero(bytes_.data(), bytes_.size()); }
    std::uint8_t* data() { return bytes_.data(); }

  private:
    std::vector<std::uint8_t> bytes_;  // never resized: no stale copy is left behind
};

napi_value undefined_value(napi_env env) {
    napi_value value = nullptr;
    napi_get_undefined(env, &value);
    return value;
}

// A service or name: a JS string without NUL characters (the C API reads
// NUL-terminated strings, so a NUL would silently cut the key short).
bool read_key_part(napi_env env, napi_value value, const char* what, std::string* out) {
    std::size_t length = 0;
    if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) {
        napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                              (std::string(what) + " must be a string").c_str());
        return false;
    }
    out->resize(length + 1);
    napi_get_value_string_utf8(env, value, out->data(), out->size(), &length);
    out->resize(length);
    if (out->find('\0') != std::string::npos) {
        napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE",
                              (std::string(what) + " must not contain NUL characters").c_str());
        return false;
    }
    return true;
}

class OpenOperation final : public AsyncOperation {
  public:
    bool has_config = false;
    std::string config_path;

    void run() override {
        api = load_tresor_api(&library_error);
        if (api != nullptr) {
            status = api->open(has_config ? config_path.c_str() : nullptr, &opened_, &error);
        }
    }
    napi_value result(napi_env env) override {
        napi_value handle = nullptr;
        if (napi_create_external(env, opened_, close_store, const_cast<TresorApi*>(api), &handle) !=
            napi_ok) {
            api->close(opened_);
            return nullptr;
        }
        opened_ = nullptr;
        return handle;
    }
    ~OpenOperation() override {
        if (opened_ != nullptr) {  // opened, then the promise could not take it
            api->close(opened_);
        }
    }

  private:
    static void close_store(napi_env, void* store, void* api) {
        static_cast<const TresorApi*>(api)->close(static_cast<tresor_store*>(store));
    }
    tresor_store* opened_ = nullptr;
};

class KeyOperation : public AsyncOperation {
  public:
    // The store handle and the key from args[0..2].
    bool read_key(napi_env env, const napi_value* args) {
        return hold_store(env, args[0]) && read_key_part(env, args[1], "service", &service) &&
               read_key_part(env, args[2], "name", &name);
    }

  protected:
    std::string service;
    std::string name;
};

class GetOperation final : public KeyOperation {
  public:
    bool as_buffer = false;

    void run() override {
        status = api->get(store, service.c_str(), name.c_str(), &value_, &length_, &error);
        if (status == TRESOR_NOT_FOUND) {
            status = TRESOR_OK;  // an answer: null
        }
    }
    napi_value result(napi_env env) override {
        napi_value out = nullptr;
        if (value_ == nullptr) {
            napi_get_null(env, &out);
        } else if (as_buffer) {
            napi_create_buffer_copy(env, length_, value_, nullptr, &out);
        } else {
            napi_create_string_utf8(env, reinterpret_cast<const char*>(value_), length_, &out);
        }
        return out;
    }
    ~GetOperation() override {
        if (value_ != nullptr) {
            api->free_secret(value_, length_);
        }
    }

  private:
    std::uint8_t* value_ = nullptr;
    std::size_t length_ = 0;
};

class SetOperation final : public KeyOperation {
  public:
    // A string (stored as UTF-8) or a Uint8Array/Buffer.
    bool read_value(napi_env env, napi_value value) {
        napi_valuetype type = napi_undefined;
        napi_typeof(env, value, &type);
        bool is_typed_array = false;
        napi_is_typedarray(env, value, &is_typed_array);
        if (type == napi_string) {
            napi_get_value_string_utf8(env, value, nullptr, 0, &length_);
            bytes_ = std::make_unique<WipedBytes>(length_ + 1);
            napi_get_value_string_utf8(env, value, reinterpret_cast<char*>(bytes_->data()),
                                       length_ + 1, &length_);
            return true;
        }
        napi_typedarray_type element = napi_int8_array;
        void* data = nullptr;
        if (is_typed_array &&
            napi_get_typedarray_info(env, value, &element, &length_, &data, nullptr, nullptr) ==
                napi_ok &&
            element == napi_uint8_array) {
            bytes_ = std::make_unique<WipedBytes>(length_ + 1);
            if (length_ != 0) {
                std::memcpy(bytes_->data(), data, length_);
            }
            return true;
        }
        napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                              "value must be a string, a Buffer or a Uint8Array");
        return false;
    }

    void run() override {
        status = api->set(store, service.c_str(), name.c_str(), bytes_->data(), length_, nullptr,
                          &error);
    }
    napi_value result(napi_env env) override { return undefined_value(env); }

  private:
    std::unique_ptr<WipedBytes> bytes_;
    std::size_t length_ = 0;
};

class RemoveOperation final : public KeyOperation {
  public:
    void run() override {
        status = api->remove(store, service.c_str(), name.c_str(), &removed_, &error);
    }
    napi_value result(napi_env env) override {
        napi_value out = nullptr;
        napi_get_boolean(env, removed_ == 1, &out);
        return out;
    }

  private:
    int removed_ = 0;
};

class ListOperation final : public AsyncOperation {
  public:
    bool all_services = true;
    std::string service;

    void run() override {
        tresor_list* list = nullptr;
        status = api->list_open(store, all_services ? nullptr : service.c_str(), &list, &error);
        if (status != TRESOR_OK) {
            return;
        }
        while (const tresor_entry* e = api->list_next(list)) {
            entries_.push_back({text(e->service), text(e->name), text(e->id), e->type,
                                text(e->label), text(e->description), e->created_at, e->updated_at,
                                e->last_used_at, e->expires_at});
        }
        api->list_free(list);
    }

    napi_value result(napi_env env) override {
        napi_value array = nullptr;
        napi_create_array_with_length(env, entries_.size(), &array);
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            const Entry& e = entries_[i];
            napi_value object = nullptr;
            napi_create_object(env, &object);
            put_string(env, object, "service", e.service);
            put_string(env, object, "name", e.name);
            put_string(env, object, "id", e.id);
            napi_value type = nullptr;
            napi_create_uint32(env, e.type, &type);
            napi_set_named_property(env, object, "type", type);
            put_string(env, object, "label", e.label);
            put_string(env, object, "description", e.description);
            put_time(env, object, "createdAt", e.created_at);
            put_time(env, object, "updatedAt", e.updated_at);
            put_time(env, object, "lastUsedAt", e.last_used_at);
            put_time(env, object, "expiresAt", e.expires_at);
            napi_set_element(env, array, static_cast<uint32_t>(i), object);
        }
        return array;
    }

  private:
    struct Entry {
        std::string service, name, id;
        std::uint32_t type;
        std::string label, description;
        std::int64_t created_at, updated_at, last_used_at, expires_at;
    };
    static std::string text(const char* s) { return s != nullptr ? s : ""; }
    static void put_string(napi_env env, napi_value object, const char* key,
                           const std::string& value) {
        napi_value v = nullptr;
        napi_create_string_utf8(env, value.data(), value.size(), &v);
        napi_set_named_property(env, object, key, v);
    }
    // Unix seconds as a Date; 0 (unknown or never) as null.
    static void put_time(napi_env env, napi_value object, const char* key, std::int64_t seconds) {
        napi_value v = nullptr;
        // A JavaScript Date holds +-8.64e15 ms (ECMA-262, 21.4.1.1): a later
        // expiry (INT64_MAX seconds, 9999999999999) is its latest Date, never
        // an Invalid Date.
        constexpr double kLatestDateMs = 8.64e15;
        if (seconds == 0) {
            napi_get_null(env, &v);
        } else {
            napi_create_date(
                env,
                std::clamp(static_cast<double>(seconds) * 1000.0, -kLatestDateMs, kLatestDateMs),
                &v);
        }
        napi_set_named_property(env, object, key, v);
    }
    std::vector<Entry> entries_;
};

// fetch(store, service, name, url, method, headers, body, timeoutMs,
// maxBytes): Store::request through tresor_request. What it sends is the
// caller's (no secret); what it gets back is redacted by libtresor.
class RequestOperation final : public KeyOperation {
  public:
    // args[3..8] as index.js passes them: strings, [[name, value]...], a
    // Buffer (or undefined), numbers.
    bool read_request(napi_env env, const napi_value* args) {
        if (!read_key_part(env, args[3], "url", &url_) ||
            !read_key_part(env, args[4], "method", &method_)) {
            return false;
        }
        std::uint32_t count = 0;
        napi_get_array_length(env, args[5], &count);
        for (std::uint32_t i = 0; i < count; ++i) {
            napi_value pair = nullptr, key = nullptr, value = nullptr;
            napi_get_element(env, args[5], i, &pair);
            napi_get_element(env, pair, 0, &key);
            napi_get_element(env, pair, 1, &value);
            std::string n, v;
            if (!read_key_part(env, key, "header name", &n) ||
                !read_key_part(env, value, "header value", &v)) {
                return false;
            }
            header_text_.emplace_back(std::move(n), std::move(v));
        }
        bool is_buffer = false;
        napi_is_buffer(env, args[6], &is_buffer);
        if (is_buffer) {
            void* data = nullptr;
            std::size_t length = 0;
            napi_get_buffer_info(env, args[6], &data, &length);
            body_.assign(static_cast<const char*>(data), length);
        }
        double timeout = 0, max_bytes = 0;
        napi_get_value_double(env, args[7], &timeout);
        napi_get_value_double(env, args[8], &max_bytes);
        timeout_ms_ = static_cast<std::uint32_t>(timeout);
        max_bytes_ = static_cast<std::uint64_t>(max_bytes);
        return true;
    }

    void run() override {
        std::vector<tresor_http_header> headers;
        for (const auto& [key, value] : header_text_) {
            headers.push_back({key.c_str(), value.c_str()});
        }
        const tresor_http_request request{sizeof(tresor_http_request),
                                          method_.c_str(),
                                          url_.c_str(),
                                          headers.data(),
                                          headers.size(),
                                          reinterpret_cast<const std::uint8_t*>(body_.data()),
                                          body_.size(),
                                          timeout_ms_,
                                          max_bytes_};
        status = api->request(store, service.c_str(), name.c_str(), &request, &response_, &error);
        if (status == TRESOR_NOT_FOUND) {
            status = TRESOR_OK;  // an answer: null
        }
    }

    // { status, headers: [[name, value]...], body: Buffer, redacted } or null.
    napi_value result(napi_env env) override {
        napi_value out = nullptr;
        if (response_ == nullptr) {
            napi_get_null(env, &out);
            return out;
        }
        napi_create_object(env, &out);
        napi_value number = nullptr, headers = nullptr, body = nullptr, redacted = nullptr;
        napi_create_int32(env, api->response_status(response_), &number);
        napi_set_named_property(env, out, "status", number);
        napi_create_array(env, &headers);
        const char* key = nullptr;
        const char* value = nullptr;
        for (std::uint32_t i = 0; api->response_header(response_, i, &key, &value) != 0; ++i) {
            napi_value pair = nullptr, n = nullptr, v = nullptr;
            napi_create_array_with_length(env, 2, &pair);
            napi_create_string_utf8(env, key, NAPI_AUTO_LENGTH, &n);
            napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
            napi_set_element(env, pair, 0, n);
            napi_set_element(env, pair, 1, v);
            napi_set_element(env, headers, i, pair);
        }
        napi_set_named_property(env, out, "headers", headers);
        std::size_t length = 0;
        const std::uint8_t* bytes = api->response_body(response_, &length);
        napi_create_buffer_copy(env, length, bytes, nullptr, &body);
        napi_set_named_property(env, out, "body", body);
        napi_get_boolean(env, api->response_redacted(response_) != 0, &redacted);
        napi_set_named_property(env, out, "redacted", redacted);
        return out;
    }

    ~RequestOperation() override {
        if (response_ != nullptr) {
            api->response_free(response_);
        }
    }

  private:
    std::string url_, method_, body_;
    std::vector<std::pair<std::string, std::string>> header_text_;
    std::uint32_t timeout_ms_ = 0;
    std::uint64_t max_bytes_ = 0;
    tresor_response* response_ = nullptr;
};

// Up to nine arguments; missing ones are undefined.
struct Arguments {
    napi_value values[9] = {};
    Arguments(napi_env env, napi_callback_info info) {
        std::size_t count = 9;
        napi_get_cb_info(env, info, &count, values, nullptr, nullptr);
    }
};

bool is_nullish(napi_env env, napi_value value) {
    napi_valuetype type = napi_undefined;
    napi_typeof(env, value, &type);
    return type == napi_undefined || type == napi_null;
}

// open(configPath | null) -> Promise<store handle>
napi_value open_store(napi_env env, napi_callback_info info) {
    Arguments args(env, info);
    auto op = std::make_unique<OpenOperation>();
    op->has_config = !is_nullish(env, args.values[0]);
    if (op->has_config && !read_key_part(env, args.values[0], "config", &op->config_path)) {
        return nullptr;
    }
    return AsyncOperation::start(env, std::move(op), "tresor.open");
}

// The store and key of the call read into a new Op, then by `rest` what
// follows them, and Op started; nullptr, with a JavaScript exception
// pending, when an argument is refused.
template <typename Op, typename Rest>
napi_value start_on_key(napi_env env, napi_callback_info info, const char* resource, Rest&& rest) {
    Arguments args(env, info);
    auto op = std::make_unique<Op>();
    if (!op->read_key(env, args.values) || !rest(*op, args.values)) {
        return nullptr;
    }
    return AsyncOperation::start(env, std::move(op), resource);
}

// get(store, service, name, asBuffer) -> Promise<string | Buffer | null>
napi_value get_secret(napi_env env, napi_callback_info info) {
    return start_on_key<GetOperation>(env, info, "tresor.get",
                                      [&](GetOperation& op, const napi_value* args) {
                                          napi_get_value_bool(env, args[3], &op.as_buffer);
                                          return true;
                                      });
}

// set(store, service, name, value) -> Promise<undefined>
napi_value set_secret(napi_env env, napi_callback_info info) {
    return start_on_key<SetOperation>(
        env, info, "tresor.set",
        [&](SetOperation& op, const napi_value* args) { return op.read_value(env, args[3]); });
}

// remove(store, service, name) -> Promise<boolean>
napi_value remove_secret(napi_env env, napi_callback_info info) {
    return start_on_key<RemoveOperation>(env, info, "tresor.delete",
                                         [](RemoveOperation&, const napi_value*) { return true; });
}

// list(store, service | null) -> Promise<entry[]>
napi_value list_entries(napi_env env, napi_callback_info info) {
    Arguments args(env, info);
    auto op = std::make_unique<ListOperation>();
    op->all_services = is_nullish(env, args.values[1]);
    if (!op->hold_store(env, args.values[0]) ||
        (!op->all_services && !read_key_part(env, args.values[1], "service", &op->service))) {
        return nullptr;
    }
    return AsyncOperation::start(env, std::move(op), "tresor.list");
}

// fetch(store, service, name, url, method, headers, body, timeoutMs, maxBytes)
// -> Promise<{status, headers, body, redacted} | null>
napi_value fetch_with(napi_env env, napi_callback_info info) {
    return start_on_key<RequestOperation>(
        env, info, "tresor.fetch",
        [&](RequestOperation& op, const napi_value* args) { return op.read_request(env, args); });
}

napi_value init(napi_env env, napi_value exports) {
    const napi_property_descriptor functions[] = {
        {"open", nullptr, open_store, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"get", nullptr, get_secret, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"set", nullptr, set_secret, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"remove", nullptr, remove_secret, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"list", nullptr, list_entries, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"fetch", nullptr, fetch_with, nullptr, nullptr, nullptr, napi_default, nullptr},
    };
    napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions);
    return exports;
}

}  // namespace
}  // namespace tresor::node

NAPI_MODULE_INIT() {
    return tresor::node::init(env, exports);
}
