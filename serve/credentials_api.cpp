#include "serve/credentials_api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "serve/credential_body.hpp"
#include "serve/session_tokens.hpp"

namespace tresor::serve {
namespace {

using nlohmann::json;

// Seed 002's path, and seed 004's beside it.
constexpr std::string_view kCollections[] = {"/api/credentials", "/credentials"};

// Names and descriptions are bytes as given (docs/VAULT-FORMAT.md), not
// always UTF-8: replace what JSON cannot carry instead of failing the call.
std::string text(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

ApiResponse error(int status, std::string_view message) {
    return {status, text(json{{"error", message}})};
}

json unix_time(const std::optional<Timestamp>& t) {
    return t ? json(t->time_since_epoch().count()) : json(nullptr);
}

std::string uuid_form(const std::string& hex) {
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

bool is_record_id(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A vault's record id is 16 random bytes: shown as an RFC 9562 version 4
// UUID (seed 002 shows ids so), its version and variant bits set as the RFC
// asks of random ids. Other backends' ids are passed through.
std::string public_id(const std::string& id) {
    if (!is_record_id(id)) {
        return id;
    }
    std::string hex = id;
    hex[12] = '4';
    hex[16] = "89ab"[std::string_view("0123456789abcdef").find(hex[16]) & 3];
    return uuid_form(hex);
}

// An id as the API gave it before version 4 (the record id's own bits) is
// still found. UUIDs are read without regard to case (RFC 9562, 4).
bool has_public_id(const Entry& e, std::string_view id) {
    std::string wanted(id);
    std::transform(wanted.begin(), wanted.end(), wanted.begin(), [](char c) {
        return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return public_id(e.id) == wanted || (is_record_id(e.id) && uuid_form(e.id) == wanted);
}

json describe(const Entry& e) {
    return {{"id", public_id(e.id)},
            {"service", e.service},
            {"name", e.name},
            {"type", to_string(e.type)},
            {"description", e.description},
            {"attributes", e.attributes},
            {"created_at", unix_time(e.created_at)},
            {"updated_at", unix_time(e.updated_at)},
            {"last_used_at", unix_time(e.last_used_at)},
            {"expires_at", unix_time(e.expires_at)}};
}

// The entry as stored, for the response to a write. A token that may not
// read metadata learns only the id of what it wrote (docs/API.md): its own
// writes must not tell it what an entry held before (created_at, type,
// description) or that one existed.
ApiResponse written(int status, Store& server, const Key& key, bool may_read) {
    const std::optional<Entry> e = server.entry(key);
    if (!e) {
        return error(500, "credential store failed: the entry written is gone");
    }
    return {status, text(may_read ? describe(*e) : json{{"id", public_id(e->id)}})};
}

std::vector<Entry> visible_entries(Store& store) {
    std::vector<Entry> entries = store.list();
    std::erase_if(entries, [](const Entry& e) { return e.service == kSessionService; });
    return entries;
}

std::optional<Entry> find_by_id(Store& store, std::string_view id) {
    for (Entry& e : visible_entries(store)) {
        if (has_public_id(e, id)) {
            return std::move(e);
        }
    }
    return std::nullopt;
}

// The options a body sets, over `kept` for an update (docs/API.md).
SetOptions options_from(const CredentialBody& b, SecretType type, const Entry* kept) {
    SetOptions options;
    options.type = type;
    // A new type starts from its own fields; the same type keeps the others.
    const bool same_type = kept != nullptr && kept->type == type;
    options.attributes = b.attributes_over(same_type ? kept->attributes : Attributes{});
    options.description = b.description.value_or(kept != nullptr ? kept->description : "");
    options.expires_at = b.expiry_given || kept == nullptr ? b.expires_at : kept->expires_at;
    if (kept != nullptr) {
        options.label = kept->label;
    }
    return options;
}

SecretType type_of(const CredentialBody& b, SecretType fallback) {
    if (!b.type) {
        return fallback;
    }
    const auto parsed = secret_type_from_string(*b.type);
    if (!parsed) {
        throw Error(ErrorCode::invalid_argument, "unknown type '" + *b.type + "'");
    }
    return *parsed;
}

Scopes store_scopes(const std::vector<std::string>& api_scopes) {
    Scopes out;
    for (const std::string& s : api_scopes) {
        if (s == kScopeStore) {
            out = Scopes::from_bits(out.bits() | static_cast<std::uint32_t>(Scope::store));
        } else if (s == kScopeRead) {
            out = Scopes::from_bits(out.bits() | static_cast<std::uint32_t>(Scope::metadata));
        }
    }
    return out;
}

class Call {
  public:
    // may_read: the token also holds credentials:read.
    Call(Store& server, Store handle, json body, bool may_read)
        : server_(server),
          handle_(std::move(handle)),
          body_(std::move(body)),
          may_read_(may_read) {}

    ApiResponse create() {
        const CredentialBody b = parse_credential_body(body_, BodyKind::create, "api_key");
        const std::string service = b.seed_002 ? b.service : handle_.default_service();
        const std::string& name = b.name;
        if (service.empty() || name.empty() || !b.value || b.value->empty()) {
            return error(400, b.seed_002 ? "service, name, and key are required"
                                         : "name and value are required");
        }
        if (service == kSessionService) {
            return error(400, "service " + std::string(kSessionService) + " is reserved");
        }
        // A 409 would tell a store-only token that the name is taken: for
        // it, a POST stores (replaces) as `tresor set` does, and the answer
        // is the same either way. A token that can list learns nothing new.
        if (may_read_ && server_.entry({service, name})) {
            return error(409, "a credential with this service and name exists");
        }
        handle_.set({service, name}, *b.value,
                    options_from(b, type_of(b, SecretType::api_key), nullptr));
        return written(201, server_, {service, name}, may_read_);
    }

    ApiResponse list() {
        json out = json::array();
        for (const Entry& e : visible_entries(handle_)) {
            out.push_back(describe(e));
        }
        return {200, text(out)};
    }

    ApiResponse show(std::string_view id) {
        const auto e = find_by_id(handle_, id);
        return e ? ApiResponse{200, text(describe(*e))} : error(404, "credential not found");
    }

    ApiResponse update(std::string_view id) {
        const auto e = find_by_id(server_, id);
        if (!e) {
            return error(404, "credential not found");
        }
        const Key key{e->service, e->name};
        const CredentialBody b = parse_credential_body(body_, BodyKind::update, to_string(e->type));
        const SetOptions options = options_from(b, type_of(b, e->type), &*e);
        Secret value = b.value.value_or(Secret());
        if (value.empty()) {
            if (b.value) {
                return error(400, "the new value must not be empty");
            }
            // Metadata only: the server re-stores the value it keeps; the
            // caller never sees it.
            std::optional<Secret> kept = server_.get(key);
            if (!kept) {
                return error(404, "credential not found");
            }
            value = std::move(*kept);
        }
        handle_.set(key, value, options);
        return written(200, server_, key, may_read_);
    }

    ApiResponse remove(std::string_view id) {
        const auto e = find_by_id(server_, id);
        if (!e) {
            return error(404, "credential not found");
        }
        (void)handle_.remove({e->service, e->name});
        return {204, {}};
    }

  private:
    Store& server_;
    Store handle_;
    json body_;
    bool may_read_;
};

}  // namespace

ApiResponse CredentialsApi::handle(const ApiRequest& request) {
    std::string_view path = request.target.substr(0, request.target.find('?'));
    const auto collection_path =
        std::find_if(std::begin(kCollections), std::end(kCollections),
                     [&](std::string_view c) { return path.starts_with(c); });
    if (collection_path == std::end(kCollections)) {
        return error(404, "no such endpoint");
    }
    path.remove_prefix(collection_path->size());
    const bool collection = path.empty() || path == "/";
    const std::string_view id = collection ? std::string_view() : path.substr(1);
    if (!collection && (path[0] != '/' || id.find('/') != std::string_view::npos)) {
        return error(404, "no such endpoint");
    }
    const std::string_view m = request.method;
    const bool known =
        collection ? (m == "GET" || m == "POST") : (m == "GET" || m == "PATCH" || m == "DELETE");
    if (!known) {
        return error(405, "method not allowed");
    }
    try {
        const auto api_scopes = check_token(store_, request.authorization);
        if (!api_scopes) {
            return error(401, "invalid or missing session token");
        }
        const bool writes = m != "GET";
        const std::string_view needed = writes ? kScopeStore : kScopeRead;
        if (std::find(api_scopes->begin(), api_scopes->end(), needed) == api_scopes->end()) {
            return error(403, "missing scope " + std::string(needed));
        }
        json body = json::object();
        if (m == "POST" || m == "PATCH") {
            body = json::parse(request.body, nullptr, false);
            if (body.is_discarded() || !body.is_object()) {
                return error(400, "request body is not a JSON object");
            }
        }
        const bool may_read =
            std::find(api_scopes->begin(), api_scopes->end(), kScopeRead) != api_scopes->end();
        Call call(store_, store_.narrowed(store_scopes(*api_scopes)), std::move(body), may_read);
        if (collection) {
            return m == "POST" ? call.create() : call.list();
        }
        if (m == "GET") {
            return call.show(id);
        }
        return m == "PATCH" ? call.update(id) : call.remove(id);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::invalid_argument) {
            return error(400, e.what());  // names fields and types, never a value
        }
        if (e.code() == ErrorCode::permission_denied) {
            return error(403, "missing scope");
        }
        return error(500, "credential store failed: " + std::string(to_string(e.code())));
    } catch (const std::exception&) {
        return error(500, "internal error");
    }
}

}  // namespace tresor::serve
