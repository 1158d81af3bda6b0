#include "serve/credential_ids.hpp"

#include <algorithm>

#include "serve/session_tokens.hpp"

namespace tresor::serve {
namespace {

std::string uuid_form(const std::string& hex) {
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

bool is_record_id(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// UUIDs are read without regard to case (RFC 9562, 4).
std::string lowercase(std::string_view id) {
    std::string out(id);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

bool has_public_id(const Entry& e, const std::string& wanted) {
    return public_id(e.id) == wanted || (is_record_id(e.id) && uuid_form(e.id) == wanted);
}

}  // namespace

std::string public_id(const std::string& id) {
    if (!is_record_id(id)) {
        return id;
    }
    std::string hex = id;
    hex[12] = '4';
    hex[16] = "89ab"[std::string_view("0123456789abcdef").find(hex[16]) & 3];
    return uuid_form(hex);
}

std::vector<Entry> visible_entries(Store& store) {
    std::vector<Entry> entries = store.list();
    std::erase_if(entries, [](const Entry& e) { return e.service == kSessionService; });
    return entries;
}

std::optional<Entry> IdIndex::find(Store& store, std::string_view id) {
    const std::string wanted = lowercase(id);
    std::optional<Key> key;
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = keys_.find(wanted); it != keys_.end()) {
            key = it->second;
        }
    }
    if (key) {
        std::optional<Entry> e = store.entry(*key);
        if (e && has_public_id(*e, wanted)) {
            return e;
        }
    }
    std::vector<Entry> entries = visible_entries(store);
    std::map<std::string, Key, std::less<>> keys;
    std::optional<Entry> found;
    for (Entry& e : entries) {
        const Key k{e.service, e.name};
        keys.emplace(public_id(e.id), k);
        if (is_record_id(e.id)) {
            keys.emplace(uuid_form(e.id), k);
        }
        if (!found && has_public_id(e, wanted)) {
            found = std::move(e);
        }
    }
    const std::lock_guard lock(mutex_);
    keys_ = std::move(keys);
    return found;
}

}  // namespace tresor::serve
