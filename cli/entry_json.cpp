#include "cli/entry_json.hpp"

#include "cli/format.hpp"

namespace tresor::cli {

Json entry_json(const Entry& e) {
    Json out = Json::object();
    put_text(out, "service", e.service);
    put_text(out, "name", e.name);
    out["type"] = json_text(to_string(e.type));
    put_text(out, "label", e.label);
    put_text(out, "description", e.description);
    put_text(out, "id", e.id);
    put_text(out, "backend", e.backend);
    const auto time = [](const std::optional<Timestamp>& t) {
        return t ? Json(json_text(format_time(t))) : Json(nullptr);
    };
    out["created_at"] = time(e.created_at);
    out["updated_at"] = time(e.updated_at);
    out["last_used_at"] = time(e.last_used_at);
    out["expires_at"] = time(e.expires_at);
    // A typed credential's non-secret fields (docs/CREDENTIALS.md); {} for none.
    Json attributes = Json::object();
    for (const auto& [field, text] : e.attributes) {
        put_text(attributes, field, text);
    }
    out["attributes"] = std::move(attributes);
    return out;
}

}  // namespace tresor::cli
