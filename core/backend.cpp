#include "core/backend.hpp"

#include <cstddef>

#include "core/credential.hpp"
#include "core/status.hpp"

namespace tresor::core {
namespace {

std::optional<Timestamp> to_time(std::int64_t unix_seconds) {
    if (unix_seconds == 0) {
        return std::nullopt;
    }
    return Timestamp(std::chrono::seconds(unix_seconds));
}

std::string text(const char* s) {
    return s != nullptr ? std::string(s) : std::string();
}

Entry to_entry(const tresor_entry& e, const std::string& backend) {
    Entry out;
    out.id = text(e.id);
    out.service = text(e.service);
    out.name = text(e.name);
    out.type = e.type <= static_cast<std::uint32_t>(SecretType::custom)
                   ? static_cast<SecretType>(e.type)
                   : SecretType::custom;
    out.label = text(e.label);
    out.description = text(e.description);
    out.created_at = to_time(e.created_at);
    out.updated_at = to_time(e.updated_at);
    out.last_used_at = to_time(e.last_used_at);
    out.expires_at = to_time(e.expires_at);
    out.backend = backend;
    if (TRESOR_STRUCT_HAS(&e, tresor_entry, attributes) && e.attributes != nullptr) {
        out.attributes = decode_attributes(e.attributes, backend);
    }
    return out;
}

struct EntryCollector {
    std::vector<Entry>* out;
    const std::string* backend;
    std::exception_ptr failure;  // rethrown once the plugin returns
};

int collect_entry(void* ctx, const tresor_entry* entry) {
    auto* collector = static_cast<EntryCollector*>(ctx);
    try {
        collector->out->push_back(to_entry(*entry, *collector->backend));
        return 0;
    } catch (...) {
        collector->failure = std::current_exception();  // corrupt fields, out of memory
        return 1;
    }
}

int take_secret(void* ctx, const std::uint8_t* bytes, std::size_t length) {
    try {
        auto* secret = static_cast<std::optional<Secret>*>(ctx);
        secret->emplace(std::span<const std::uint8_t>(bytes, length));
        return 0;
    } catch (...) {
        return 1;
    }
}

tresor_key to_abi(const Key& key) {
    return {key.service.c_str(), key.name.c_str()};
}

// The metadata set() and set_many() pass; borrows from key, options and
// attributes (options.attributes encoded by Backend::attributes_for).
tresor_entry to_abi(const tresor_key& key, const SetOptions& options,
                    const std::string& attributes) {
    tresor_entry meta{};
    meta.struct_size = sizeof(meta);
    meta.service = key.service;
    meta.name = key.name;
    meta.type = static_cast<std::uint32_t>(options.type);
    meta.label = options.label.c_str();
    meta.description = options.description.c_str();
    meta.expires_at = options.expires_at ? options.expires_at->time_since_epoch().count() : 0;
    meta.attributes = attributes.c_str();
    return meta;
}

// set_many is ABI 1.1: a 1.0 table ends before it, and a 1.1 one may leave
// it NULL.
bool has_set_many(const tresor_plugin& table) {
    return TRESOR_STRUCT_HAS(&table, tresor_plugin, set_many) && table.set_many != nullptr;
}

}  // namespace

Backend::Backend(conf::BackendConfig config, const PluginCatalog& catalog, const tresor_host* host,
                 bool tolerate_unknown_plugin)
    : config_(std::move(config)), host_(host) {
    for (const auto& [key, value] : config_.params) {
        params_.push_back({key.c_str(), value.c_str()});
    }
    try {
        const PluginHandle handle = catalog.load(config_.plugin);
        plugin_ = handle.table;
        origin_ = handle.origin;
    } catch (const Error& e) {
        if (e.code() == ErrorCode::config && !tolerate_unknown_plugin) {
            throw Error(ErrorCode::config, config_.location.str() + ": backend." + config_.name +
                                               ".plugin: " + e.what());
        }
        state_ = State::unavailable;
        reason_ = e.what();
    }
}

Backend::~Backend() {
    if (context_ != nullptr) {
        plugin_->close(context_);
    }
}

void Backend::fail(tresor_status status, const tresor_diag& diag) const {
    const std::string detail = diag.message[0] != '\0' ? diag.message : status_name(status);
    throw Error(to_error_code(status), "backend '" + config_.name + "': " + detail);
}

void Backend::check(tresor_status status, const tresor_diag& diag) const {
    if (status != TRESOR_OK) {
        fail(status, diag);
    }
}

bool Backend::advance(tresor_status status, const tresor_diag& diag, State next) {
    if (status == TRESOR_UNAVAILABLE) {
        state_ = State::unavailable;
        reason_ = diag.message[0] != '\0' ? diag.message : "unavailable";
        return false;
    }
    // A refusal is not remembered: the person may unlock the keyring or fix
    // the password, and the next request tries again.
    check(status, diag);
    state_ = next;
    return true;
}

bool Backend::probe() {
    std::lock_guard lock(mutex_);
    return probe_locked();
}

bool Backend::probe_locked() {
    if (state_ != State::untried) {
        return state_ != State::unavailable;
    }
    tresor_diag diag{};
    return advance(plugin_->probe(params_.data(), params_.size(), &diag), diag, State::probed);
}

bool Backend::usable() {
    std::lock_guard lock(mutex_);
    if (state_ == State::usable) {
        return true;
    }
    if (!probe_locked()) {
        return false;
    }
    tresor_diag diag{};
    return advance(plugin_->open(params_.data(), params_.size(), host_, &context_, &diag), diag,
                   State::usable);
}

BackendStatus Backend::status() const {
    std::lock_guard lock(mutex_);
    BackendStatus s;
    s.name = config_.name;
    s.plugin = config_.plugin;
    s.plugin_file = origin_;
    s.usable = state_ == State::usable || state_ == State::probed;
    s.reason = reason_;
    s.capabilities = plugin_ != nullptr ? plugin_->capabilities : 0;
    return s;
}

std::unique_lock<std::mutex> Backend::open_context() {
    if (!usable()) {
        throw Error(ErrorCode::unavailable,
                    "backend '" + config_.name + "' is not usable: " + reason_);
    }
    return std::unique_lock(mutex_);
}

std::optional<Secret> Backend::get(const Key& key) {
    auto lock = open_context();
    return get_locked(key);
}

std::optional<Secret> Backend::get_locked(const Key& key) {
    const tresor_key k = to_abi(key);
    std::optional<Secret> secret;
    tresor_diag diag{};
    const tresor_status status = plugin_->get(context_, &k, take_secret, &secret, &diag);
    if (status == TRESOR_NOT_FOUND) {
        return std::nullopt;
    }
    check(status, diag);
    if (!secret) {
        throw Error(ErrorCode::internal, "backend '" + config_.name + "' returned no value");
    }
    return secret;
}

void Backend::set(const Key& key, const Secret& value, const SetOptions& options) {
    auto lock = open_context();
    set_locked(key, value, options);
}

void Backend::set_locked(const Key& key, const Secret& value, const SetOptions& options) {
    const tresor_key k = to_abi(key);
    const std::string attributes = attributes_for(options);
    const tresor_entry meta = to_abi(k, options, attributes);
    tresor_diag diag{};
    check(plugin_->set(context_, &k, value.bytes().data(), value.size(), &meta, &diag), diag);
}

std::string Backend::attributes_for(const SetOptions& options) const {
    std::string attributes = encode_attributes(options.attributes);
    // A plugin without the capability would drop the fields (an ABI 1.0
    // plugin does not even see them): refuse rather than lose a username.
    if (!attributes.empty() && (plugin_->capabilities & TRESOR_CAP_ATTRIBUTES) == 0) {
        throw Error(ErrorCode::invalid_argument,
                    "backend '" + config_.name + "' (plugin " + config_.plugin +
                        ") cannot keep a credential's fields; store it in a vault");
    }
    return attributes;
}

void Backend::set_many(std::span<const NewSecret> items) {
    auto lock = open_context();
    if (!has_set_many(*plugin_)) {
        return set_one_by_one_locked(items);
    }
    std::vector<tresor_key> keys;
    std::vector<std::string> attributes;
    std::vector<tresor_entry> metas;
    keys.reserve(items.size());  // the batch items point into all three
    attributes.reserve(items.size());
    metas.reserve(items.size());
    std::vector<tresor_batch_item> batch;
    for (const NewSecret& item : items) {
        keys.push_back(to_abi(item.key));
        attributes.push_back(attributes_for(item.options));
        metas.push_back(to_abi(keys.back(), item.options, attributes.back()));
        batch.push_back(
            {&keys.back(), item.value.bytes().data(), item.value.size(), &metas.back()});
    }
    tresor_diag diag{};
    check(plugin_->set_many(context_, batch.data(), batch.size(), &diag), diag);
}

void Backend::set_one_by_one_locked(std::span<const NewSecret> items) {
    struct Replaced {
        const Key* key;
        std::optional<Secret> value;  // empty: the entry was new
        SetOptions options;
    };
    std::vector<Replaced> done;
    try {
        for (const NewSecret& item : items) {
            Replaced before{&item.key, get_locked(item.key), {}};
            if (before.value && plugin_->stat != nullptr) {
                if (const auto old = stat_locked(item.key)) {
                    before.options = {old->type, old->label, old->description, old->expires_at,
                                      old->attributes};
                }
            }
            set_locked(item.key, item.value, item.options);
            done.push_back(std::move(before));
        }
    } catch (...) {
        // Best effort: the backend that just failed may refuse these too.
        for (auto it = done.rbegin(); it != done.rend(); ++it) {
            try {
                if (it->value) {
                    set_locked(*it->key, *it->value, it->options);
                } else {
                    (void)remove_locked(*it->key);
                }
            } catch (const Error&) {
            }
        }
        throw;
    }
}

bool Backend::remove(const Key& key) {
    auto lock = open_context();
    return remove_locked(key);
}

bool Backend::remove_locked(const Key& key) {
    const tresor_key k = to_abi(key);
    int removed = 0;
    tresor_diag diag{};
    check(plugin_->remove(context_, &k, &removed, &diag), diag);
    return removed != 0;
}

void Backend::list(const std::string* service, std::vector<Entry>& out) {
    auto lock = open_context();
    if ((plugin_->capabilities & TRESOR_CAP_LIST) == 0) {
        throw Error(ErrorCode::unavailable,
                    "backend '" + config_.name + "' (plugin " + config_.plugin + ") cannot list");
    }
    EntryCollector collector{&out, &config_.name, nullptr};
    tresor_diag diag{};
    check(plugin_->list(context_, service != nullptr ? service->c_str() : nullptr, collect_entry,
                        &collector, &diag),
          diag);
    if (collector.failure) {
        std::rethrow_exception(collector.failure);
    }
}

std::optional<Entry> Backend::stat(const Key& key) {
    auto lock = open_context();
    return stat_locked(key);
}

std::optional<Entry> Backend::stat_locked(const Key& key) {
    if (plugin_->stat == nullptr) {
        throw Error(ErrorCode::unavailable, "backend '" + config_.name + "' (plugin " +
                                                config_.plugin + ") keeps no metadata");
    }
    const tresor_key k = to_abi(key);
    std::vector<Entry> found;
    EntryCollector collector{&found, &config_.name, nullptr};
    tresor_diag diag{};
    const tresor_status status = plugin_->stat(context_, &k, collect_entry, &collector, &diag);
    if (status == TRESOR_NOT_FOUND) {
        return std::nullopt;
    }
    check(status, diag);
    if (collector.failure) {
        std::rethrow_exception(collector.failure);
    }
    if (found.empty()) {
        throw Error(ErrorCode::internal, "backend '" + config_.name + "' returned no metadata");
    }
    return std::move(found.front());
}

}  // namespace tresor::core
