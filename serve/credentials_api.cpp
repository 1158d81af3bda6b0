#include "serve/credentials_api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/credential.hpp"
#include "core/response_json.hpp"
#include "serve/credential_body.hpp"
#include "serve/credential_ids.hpp"
#include "serve/session_tokens.hpp"

namespace tresor::serve {
namespace {

using nlohmann::json;

// Seed 002's path, and seed 004's beside it.
constexpr std::string_view kCollections[] = {"/api/credentials", "/credentials"};
// The largest response a request route hands back (it travels as JSON).
constexpr std::uint64_t kMaxServedResponseBytes = 64 * 1024 * 1024;

// Names and descriptions are bytes as given (docs/VAULT-FORMAT.md), not
// always UTF-8: replace what JSON cannot carry instead of failing the call.
std::string text(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

ApiResponse error(int status, std::string_view message) {
    return {status, text(json{{"error", message}})};
}

// JSON text of `value`: as nlohmann's dump gives it (invalid UTF-8 replaced),
// without building a json value for the common case of printable ASCII.
void append_string(std::string& out, std::string_view value) {
    const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plain) {
        out += '"';
        out += value;
        out += '"';
    } else {
        out += text(json(value));
    }
}

void append_time(std::string& out, const std::optional<Timestamp>& t) {
    out += t ? std::to_string(t->time_since_epoch().count()) : "null";
}

// An entry as the API describes it: the JSON text of an object with these
// members, in nlohmann's order (sorted by name), written directly because a
// list writes a hundred of them per request.
std::string describe(const Entry& e) {
    std::string out = "{\"attributes\":{";
    const char* separator = "";
    for (const auto& [attribute, value] : e.attributes) {
        out += separator;
        append_string(out, attribute);
        out += ':';
        append_string(out, value);
        separator = ",";
    }
    out += '}';
    // The members after "attributes", each preceded by its comma.
    const auto member = [&out](std::string_view name) {
        out += ",\"";
        out += name;
        out += "\":";
    };
    const auto text_member = [&](std::string_view name, std::string_view value) {
        member(name);
        append_string(out, value);
    };
    const auto time_member = [&](std::string_view name, const std::optional<Timestamp>& t) {
        member(name);
        append_time(out, t);
    };
    time_member("created_at", e.created_at);
    text_member("description", e.description);
    time_member("expires_at", e.expires_at);
    text_member("id", public_id(e.id));
    time_member("last_used_at", e.last_used_at);
    text_member("name", e.name);
    text_member("service", e.service);
    text_member("type", to_string(e.type));
    time_member("updated_at", e.updated_at);
    out += '}';
    return out;
}

// The entry as stored, for the response to a write. A token that may not
// read metadata learns only the id of what it wrote (docs/API.md): its own
// writes must not tell it what an entry held before (created_at, type,
// description) or that one existed.
ApiResponse written(int status, const std::optional<Entry>& e, bool may_read) {
    if (!e) {
        return error(500, "credential store failed: the entry written is gone");
    }
    return {status, may_read ? describe(*e) : text(json{{"id", public_id(e->id)}})};
}

// A credential's origins as they would be stored (canonical), "" for none.
std::string stored_origins(Attributes attributes) {
    core::normalize_attributes(attributes);
    const auto it = attributes.find("origins");
    return it == attributes.end() ? std::string() : it->second;
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
        } else if (s == kScopeUse) {
            out = Scopes::from_bits(out.bits() | static_cast<std::uint32_t>(Scope::use));
        }
    }
    return out;
}

// The body of POST .../request: {"url", "method", "headers": {name: value},
// "body" (text), "timeout_ms", "max_response_bytes"}.
HttpRequest http_request_of(const json& body) {
    for (const auto& [member, value] : body.items()) {
        static constexpr std::array<std::string_view, 6> kKnown = {
            "url", "method", "headers", "body", "timeout_ms", "max_response_bytes"};
        if (std::find(kKnown.begin(), kKnown.end(), member) == kKnown.end()) {
            throw Error(ErrorCode::invalid_argument, "unknown field '" + member + "'");
        }
    }
    const auto text_field = [&body](const char* field) {
        const auto it = body.find(field);
        if (it == body.end() || it->is_null()) {
            return std::string();
        }
        if (!it->is_string()) {
            throw Error(ErrorCode::invalid_argument, std::string(field) + " must be a string");
        }
        return it->get<std::string>();
    };
    HttpRequest request;
    request.url = text_field("url");
    if (request.url.empty()) {
        throw Error(ErrorCode::invalid_argument, "url is required");
    }
    if (std::string method = text_field("method"); !method.empty()) {
        request.method = std::move(method);
    }
    if (const auto it = body.find("headers"); it != body.end()) {
        if (!it->is_object() ||
            !std::all_of(it->begin(), it->end(), [](const json& v) { return v.is_string(); })) {
            throw Error(ErrorCode::invalid_argument, "headers must be an object of strings");
        }
        for (const auto& [name, value] : it->items()) {
            request.headers.push_back({name, value.get<std::string>()});
        }
    }
    if (const auto it = body.find("body"); it != body.end()) {
        if (!it->is_string()) {
            throw Error(ErrorCode::invalid_argument, "body must be a string");
        }
        request.body = it->get<std::string>();
    }
    const auto number = [&body](const char* field, std::uint64_t low, std::uint64_t high,
                                std::uint64_t fallback) {
        const auto it = body.find(field);
        if (it == body.end() || it->is_null()) {
            return fallback;
        }
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() < low ||
            it->get<std::uint64_t>() > high) {
            throw Error(ErrorCode::invalid_argument,
                        std::string(field) + " must be a number from " + std::to_string(low) +
                            " to " + std::to_string(high));
        }
        return it->get<std::uint64_t>();
    };
    request.timeout = std::chrono::milliseconds(number("timeout_ms", 1, 600'000, 30'000));
    request.max_response_bytes =
        number("max_response_bytes", 1, kMaxServedResponseBytes, request.max_response_bytes);
    return request;
}

// What every call of the server shares.
struct Shared {
    IdIndex& ids;
    GroupCommit& commits;
};

class Call {
  public:
    // may_read: the token also holds credentials:read. Writes share a
    // transaction with other writes of the same token (its id).
    Call(Shared shared, std::string token_id, Store server, Store handle, json body, bool may_read)
        : shared_(shared),
          token_id_(std::move(token_id)),
          server_(std::move(server)),
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
        const GroupCommit::Result result = write(
            {{service, name}, *b.value, options_from(b, type_of(b, SecretType::api_key), nullptr)},
            may_read_);
        if (result.refused) {
            return error(409, "a credential with this service and name exists");
        }
        return written(201, result.entry, may_read_);
    }

    ApiResponse list() {
        std::string out = "[";
        for (const Entry& e : listable_entries()) {
            out += out.size() > 1 ? "," : "";
            out += describe(e);
        }
        out += ']';
        return {200, std::move(out)};
    }

    ApiResponse show(std::string_view id) {
        const auto e = shared_.ids.find(server_, id);
        return e && listable(*e) ? ApiResponse{200, describe(*e)}
                                 : error(404, "credential not found");
    }

    // POST /api/credentials/{id}/request: Store::request on the request's
    // handle (scope use only), the response as core::response_json shapes it.
    ApiResponse request(std::string_view id) {
        const auto e = shared_.ids.find(server_, id);
        if (!e) {
            return error(404, "credential not found");
        }
        const HttpRequest request = http_request_of(body_);
        std::optional<HttpResponse> response;
        try {
            response = handle_.request({e->service, e->name}, request);
        } catch (const Error& failure) {
            // The remote side failed, not this API: 502 (504 for a timeout).
            if (failure.code() == ErrorCode::io) {
                const bool late =
                    std::string_view(failure.what()).find("within") != std::string_view::npos;
                return error(late ? 504 : 502, failure.what());
            }
            if (failure.code() == ErrorCode::permission_denied) {
                return error(403, failure.what());  // names origins, never a value
            }
            throw;
        }
        if (!response) {
            return error(404, "credential not found");
        }
        return {200, text(core::response_json(*response))};
    }

    ApiResponse update(std::string_view id) {
        const auto e = shared_.ids.find(server_, id);
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
            // Origins are bound to the value: a caller who may write but not
            // read must not point a credential it cannot see at a server of
            // its own. Changing them takes the value itself.
            if (stored_origins(options.attributes) != stored_origins(e->attributes)) {
                return error(403, "changing a credential's origins needs its value as well");
            }
            // Metadata only: the server re-stores the value it keeps; the
            // caller never sees it.
            std::optional<Secret> kept = server_.get(key);
            if (!kept) {
                return error(404, "credential not found");
            }
            value = std::move(*kept);
        }
        return written(200, write({key, std::move(value), options}, false).entry, may_read_);
    }

    ApiResponse remove(std::string_view id) {
        const auto e = shared_.ids.find(server_, id);
        if (!e) {
            return error(404, "credential not found");
        }
        (void)handle_.remove({e->service, e->name});
        return {204, {}};
    }

  private:
    // Answered once committed, in a transaction it may share; the entry as
    // stored then. only_if_absent: refused when the key holds an entry.
    GroupCommit::Result write(const NewSecret& item, bool only_if_absent) {
        return shared_.commits.write({handle_, server_, token_id_, item, only_if_absent});
    }

    // credentials:read lists everything; credentials:use alone, the
    // credentials it can use (those with origins), as metadata.
    bool listable(const Entry& e) const {
        return handle_.scopes().has(Scope::metadata) || e.attributes.contains("origins");
    }
    std::vector<Entry> listable_entries() {
        if (handle_.scopes().has(Scope::metadata)) {
            return visible_entries(handle_);
        }
        Store metadata = server_.narrowed({Scope::metadata});
        std::vector<Entry> entries = visible_entries(metadata);
        std::erase_if(entries, [this](const Entry& e) { return !listable(e); });
        return entries;
    }

    Shared shared_;
    std::string token_id_;
    Store server_;  // the server's full handle, for the checks a request's scopes may not allow
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
    // POST /api/credentials/{id}/request: the point of use (credentials:use).
    constexpr std::string_view kRequestSuffix = "/request";
    const bool use = path.size() > kRequestSuffix.size() + 1 && path.ends_with(kRequestSuffix);
    if (use) {
        path.remove_suffix(kRequestSuffix.size());
    }
    const bool collection = path.empty() || path == "/";
    const std::string_view id = collection ? std::string_view() : path.substr(1);
    if (!collection && (path[0] != '/' || id.find('/') != std::string_view::npos)) {
        return error(404, "no such endpoint");
    }
    const std::string_view m = request.method;
    const bool known = use          ? m == "POST"
                       : collection ? (m == "GET" || m == "POST")
                                    : (m == "GET" || m == "PATCH" || m == "DELETE");
    if (!known) {
        return error(405, "method not allowed");
    }
    try {
        std::string token_id;
        const auto api_scopes = tokens_.check(request.authorization, &token_id);
        if (!api_scopes) {
            return error(401, "invalid or missing session token");
        }
        const auto holds = [&](std::string_view scope) {
            return std::find(api_scopes->begin(), api_scopes->end(), scope) != api_scopes->end();
        };
        // A use token also lists (and shows) what it can use.
        const std::string_view needed = use                ? kScopeUse
                                        : m != "GET"       ? kScopeStore
                                        : holds(kScopeUse) ? kScopeUse
                                                           : kScopeRead;
        if (!holds(needed)) {
            return error(403, "missing scope " + std::string(needed));
        }
        json body = json::object();
        if (m == "POST" || m == "PATCH") {
            body = json::parse(request.body, nullptr, false);
            if (body.is_discarded() || !body.is_object()) {
                return error(400, "request body is not a JSON object");
            }
        }
        // A backend's audit log names the session's requests by its token's id.
        const std::string actor = "token:" + token_id;
        Call call({ids_, commits_}, token_id, store_.acting_for(actor),
                  store_.narrowed(store_scopes(*api_scopes)).acting_for(actor), std::move(body),
                  holds(kScopeRead));
        if (use) {
            return call.request(id);
        }
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
