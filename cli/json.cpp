#include "cli/json.hpp"

#include "cli/format.hpp"

namespace tresor::cli {
SecureString json_text(std::string_view text) {
    return SecureString(text.begin(), text.end());
}

Json parse_json(std::span<const std::uint8_t> bytes, std::string_view what) {
    try {
        return Json::parse(bytes.begin(), bytes.end());
    } catch (const Json::parse_error& e) {
        // e.what() may quote the last token read, which can be a secret.
        throw Error(
            ErrorCode::invalid_argument,
            std::string(what) + " is not valid JSON (at byte " + std::to_string(e.byte) + ")");
    } catch (const Json::exception&) {
        // A number too large for a double (out_of_range 406), found by
        // fuzz_helper_input; its what() quotes the number.
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + " is not valid JSON (a number out of range)");
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
        object[json_text(member)] = json_text(bytes);
        return;
    }
    const std::string encoded =
        base64_encode({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    object[json_text(member)] = json_text(encoded);
    object[json_text(std::string(member) + "_encoding")] = "base64";
}

std::optional<SecureString> get_text(const Json& object, std::string_view member,
                                     std::string_view what) {
    const auto it = object.find(json_text(member));
    if (it == object.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + ": \"" + std::string(member) + "\" must be a string");
    }
    return it->get_ref<const SecureString&>();
}

}  // namespace tresor::cli
