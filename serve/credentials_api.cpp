#include "serve/credentials_api.hpp"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "platform/secure_memory.hpp"
#include "serve/session_tokens.hpp"

namespace tresor::serve {
namespace {

using nlohmann::json;

constexpr std::string_view kCollection = "/api/credentials";

// Names and descriptions are bytes as given (docs/VAULT-FORMAT.md), not
// always UTF-8: replace what JSON cannot carry instead of failing the call.
std::string text(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

ApiResponse error(int status, std::string_view message) {
    return {status, text(json{{"error", message}})};
}

std::string trimmed(const json& object, const char* field) {
    const auto it = object.find(field);
    if (it == object.end() || !it->is_string()) {
        return {};
    }
    const std::string& s = it->get_ref<const std::string&>();
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

json unix_time(const std::optional<Timestamp>& t) {
    return t ? json(t->time_since_epoch().count()) : json(nullptr);
}

// A 16-byte record id reads as a UUID, as seed 002 shows ids; other backends'
// ids are passed through.
std::string public_id(const std::string& id) {
    if (id.size() != 32) {
        return id;
    }
    return id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" +
           id.substr(16, 4) + "-" + id.substr(20);
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

// The entry as stored, for the response to a write.
ApiResponse written(int status, Store& server, const Key& key) {
    const std::optional<Entry> e = server.entry(key);
    return e ? ApiResponse{status, text(describe(*e))}
             : error(500, "credential store failed: the entry written is gone");
}

std::vector<Entry> visible_entries(Store& store) {
    std::vector<Entry> entries = store.list();
    std::erase_if(entries, [](const Entry& e) { return e.service == kSessionService; });
    return entries;
}

std::optional<Entry> find_by_id(Store& store, std::string_view id) {
    for (Entry& e : visible_entries(store)) {
        if (public_id(e.id) == id) {
            return std::move(e);
        }
    }
    return std::nullopt;
}

// seed 004's expiresAt: ISO 8601 in UTC ("2027-01-31T12:00:00Z"), or Unix seconds.
std::optional<Timestamp> expiry_of(const json& body) {
    const auto it = body.find("expiresAt");
    if (it == body.end() || it->is_null()) {
        return std::nullopt;
    }
    if (it->is_number_integer()) {
        return Timestamp(std::chrono::seconds(it->get<std::int64_t>()));
    }
    std::istringstream in(it->is_string() ? it->get<std::string>() : std::string());
    std::tm tm{};
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    if (in.fail()) {
        throw Error(ErrorCode::invalid_argument, "expiresAt must be ISO 8601 UTC or Unix seconds");
    }
    using namespace std::chrono;
    const year_month_day date{year(tm.tm_year + 1900), month(static_cast<unsigned>(tm.tm_mon + 1)),
                              day(static_cast<unsigned>(tm.tm_mday))};
    return sys_days(date) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

SetOptions options_from(const json& body, SecretType fallback_type) {
    SetOptions options;
    options.type = fallback_type;
    if (const std::string type = trimmed(body, "type"); !type.empty()) {
        const auto parsed = secret_type_from_string(type);
        if (!parsed) {
            throw Error(ErrorCode::invalid_argument, "unknown type '" + type + "'");
        }
        options.type = *parsed;
    }
    options.description = trimmed(body, "description");
    options.expires_at = expiry_of(body);
    if (const auto it = body.find("attributes"); it != body.end()) {
        if (!it->is_object() ||
            !std::all_of(it->begin(), it->end(), [](const json& v) { return v.is_string(); })) {
            throw Error(ErrorCode::invalid_argument, "attributes must be an object of strings");
        }
        options.attributes = it->get<Attributes>();
    }
    return options;
}

// The value, trimmed, from "key" (seed 002) or "value" (seed 004).
Secret value_of(json& body) {
    std::string text = trimmed(body, body.contains("key") ? "key" : "value");
    Secret value(text);
    platform::wipe(text.data(), text.size());
    return value;
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
    Call(Store server, Store handle, json body)
        : server_(std::move(server)), handle_(std::move(handle)), body_(std::move(body)) {}

    ApiResponse create() {
        const bool seed_002 = body_.contains("key") || body_.contains("service");
        const std::string service =
            seed_002 ? trimmed(body_, "service") : handle_.default_service();
        const std::string name = trimmed(body_, "name");
        Secret value = value_of(body_);
        if (service.empty() || name.empty() || value.empty()) {
            return error(400, seed_002 ? "service, name, and key are required"
                                       : "name and value are required");
        }
        if (service == kSessionService) {
            return error(400, "service " + std::string(kSessionService) + " is reserved");
        }
        if (server_.entry({service, name})) {
            return error(409, "a credential with this service and name exists");
        }
        handle_.set({service, name}, value, options_from(body_, SecretType::api_key));
        return written(201, server_, {service, name});
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
        SetOptions options = options_from(body_, e->type);
        if (!body_.contains("type")) {
            options.attributes = body_.contains("attributes") ? options.attributes : e->attributes;
        }
        if (!body_.contains("description")) {
            options.description = e->description;
        }
        if (!body_.contains("expiresAt")) {
            options.expires_at = e->expires_at;
        }
        options.label = e->label;
        Secret value = value_of(body_);
        if (value.empty()) {
            if (body_.contains("key") || body_.contains("value")) {
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
        return written(200, server_, key);
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
    Store server_;  // the server's full handle, for the checks a request's scopes may not allow
    Store handle_;
    json body_;
};

}  // namespace

ApiResponse CredentialsApi::handle(const ApiRequest& request) {
    std::string_view path = request.target.substr(0, request.target.find('?'));
    if (!path.starts_with(kCollection)) {
        return error(404, "no such endpoint");
    }
    path.remove_prefix(kCollection.size());
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
        std::string token_id;
        const auto api_scopes = check_token(store_, request.authorization, &token_id);
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
        // A backend's audit log names the session's requests by its token's id.
        const std::string actor = "token:" + token_id;
        Call call(store_.acting_for(actor),
                  store_.narrowed(store_scopes(*api_scopes)).acting_for(actor), std::move(body));
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
