#include "cli/json.hpp"

#include <botan/base64.h>

#include "cli/format.hpp"

namespace tresor::cli {
namespace {

Json::string_t text_of(std::string_view text) {
    return Json::string_t(text.begin(), text.end());
}

}  // namespace

Json parse_json(std::span<const std::uint8_t> bytes, std::string_view what) {
    try {
        return Json::parse(bytes.begin(), bytes.end());
    } catch (const Json::parse_error& e) {
        // e.what() may quote the last token read, which can be a secret.
        throw Error(
            ErrorCode::invalid_argument,
            std::string(what) + " is not valid JSON (at byte " + std::to_string(e.byte) + ")");
    }
}

SecureString dump_json(const Json& value) {
    // ensure_ascii escapes C1 controls (ESC's 8-bit twins) as well as C0.
    SecureString text = value.dump(-1, ' ', true);
    text += '\n';
    return text;
}

void put_text(Json& object, std::string_view member, std::string_view bytes) {
    if (is_valid_utf8(bytes)) {
        object[text_of(member)] = text_of(bytes);
        return;
    }
    const std::string encoded =
        Botan::base64_encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    object[text_of(member)] = text_of(encoded);
    object[text_of(std::string(member) + "_encoding")] = "base64";
}

std::optional<SecureString> get_text(const Json& object, std::string_view member,
                                     std::string_view what) {
    const auto it = object.find(text_of(member));
    if (it == object.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + ": \"" + std::string(member) + "\" must be a string");
    }
    return it->get_ref<const SecureString&>();
}

Json entry_json(const Entry& e) {
    Json out = Json::object();
    put_text(out, "service", e.service);
    put_text(out, "name", e.name);
    out["type"] = text_of(to_string(e.type));
    put_text(out, "label", e.label);
    put_text(out, "description", e.description);
    put_text(out, "id", e.id);
    put_text(out, "backend", e.backend);
    const auto time = [](const std::optional<Timestamp>& t) {
        return t ? Json(text_of(format_time(t))) : Json(nullptr);
    };
    out["created_at"] = time(e.created_at);
    out["updated_at"] = time(e.updated_at);
    out["last_used_at"] = time(e.last_used_at);
    out["expires_at"] = time(e.expires_at);
    return out;
}

}  // namespace tresor::cli
