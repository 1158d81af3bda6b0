#include "cli/export_format.hpp"

#include <algorithm>
#include <set>

#include "cli/format.hpp"
#include "core/base64.hpp"

namespace tresor::cli {
namespace {

constexpr std::string_view kFormat = "tresor-export";
constexpr std::int64_t kVersion = 1;

// The members of an entry line; each text member may have a
// "<member>_encoding" sibling.
constexpr std::string_view kTextMembers[] = {"service", "name",    "label", "description",
                                             "id",      "backend", "value"};
constexpr std::string_view kTimeMembers[] = {"created_at", "updated_at", "last_used_at",
                                             "expires_at"};
constexpr std::string_view kEncodingSuffix = "_encoding";

class LineError {
  public:
    LineError(const std::string& what, std::size_t line)
        : where_(what + ", line " + std::to_string(line)) {}
    [[noreturn]] void operator()(const std::string& why) const {
        throw Error(ErrorCode::invalid_argument, where_ + ": " + why);
    }

  private:
    std::string where_;
};

std::string_view view(const SecureString& s) {
    return {s.data(), s.size()};
}

// The bytes of a text member: UTF-8 as written, or base64 when its
// "_encoding" sibling says so (cli/json.hpp's put_text).
template <class Bytes>
Bytes text_member(const Json& object, std::string_view member, const LineError& fail) {
    const auto it = object.find(json_text(member));
    if (it == object.end() || !it->is_string()) {
        fail("\"" + std::string(member) + "\" is missing or not a string");
    }
    const std::string_view text = view(it->get_ref<const SecureString&>());
    const auto encoding =
        object.find(json_text(std::string(member) + std::string(kEncodingSuffix)));
    if (encoding == object.end()) {
        return Bytes(text.begin(), text.end());
    }
    Bytes out;
    if (!encoding->is_string() || view(encoding->get_ref<const SecureString&>()) != "base64" ||
        !core::decode_base64(out, text, core::Base64Padding::padded)) {
        fail("\"" + std::string(member) + "\" is not valid base64 (its _encoding says base64)");
    }
    return out;
}

std::optional<Timestamp> time_member(const Json& object, std::string_view member,
                                     const LineError& fail) {
    const auto it = object.find(json_text(member));
    if (it == object.end()) {
        fail("\"" + std::string(member) + "\" is missing");
    }
    if (it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        fail("\"" + std::string(member) + "\" is not a time or null");
    }
    try {
        return parse_time(view(it->get_ref<const SecureString&>()));
    } catch (const Error&) {
        fail("\"" + std::string(member) + "\" is not an ISO 8601 time");
    }
}

template <std::size_t N>
bool one_of(const std::string_view (&names)[N], std::string_view name) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

bool known_member(std::string_view name) {
    if (name == "type" || name == "attributes" || one_of(kTimeMembers, name) ||
        one_of(kTextMembers, name)) {
        return true;
    }
    return name.ends_with(kEncodingSuffix) &&
           one_of(kTextMembers, name.substr(0, name.size() - kEncodingSuffix.size()));
}

void check_members(const Json& object, const LineError& fail) {
    for (const auto& item : object.items()) {
        if (!known_member(view(item.key()))) {
            fail("unknown member \"" + display_text(view(item.key())) + "\"");
        }
    }
}

ImportedEntry parse_entry(const Json& object, const LineError& fail) {
    if (!object.is_object()) {
        fail("not a JSON object");
    }
    check_members(object, fail);
    ImportedEntry entry;
    entry.key = {text_member<std::string>(object, "service", fail),
                 text_member<std::string>(object, "name", fail)};
    const auto type = object.find(json_text("type"));
    if (type == object.end() || !type->is_string()) {
        fail("\"type\" is missing or not a string");
    }
    entry.type = std::string(view(type->get_ref<const SecureString&>()));
    entry.label = text_member<std::string>(object, "label", fail);
    entry.description = text_member<std::string>(object, "description", fail);
    for (const std::string_view member : kTimeMembers) {
        const auto time = time_member(object, member, fail);
        if (member == "expires_at") {
            entry.expires_at = time;
        }
    }
    const auto attributes = object.find(json_text("attributes"));
    if (attributes == object.end() || !attributes->is_object()) {
        fail("\"attributes\" is missing or not an object");
    }
    for (const auto& item : attributes->items()) {
        const std::string field(view(item.key()));
        if (field.ends_with(kEncodingSuffix) && attributes->contains(json_text(field.substr(
                                                    0, field.size() - kEncodingSuffix.size())))) {
            continue;  // the encoding of another field, read with it
        }
        entry.attributes[field] = text_member<std::string>(*attributes, field, fail);
    }
    entry.value = Secret(text_member<SecureBytes>(object, "value", fail));
    return entry;
}

std::size_t parse_header(const Json& header, const LineError& fail) {
    const auto member = [&](const char* name) {
        const auto it = header.find(json_text(name));
        return it == header.end() ? nullptr : &*it;
    };
    const Json* format = member("format");
    const Json* version = member("version");
    const Json* entries = member("entries");
    if (!header.is_object() || format == nullptr || !format->is_string() ||
        view(format->get_ref<const SecureString&>()) != kFormat) {
        fail("not a tresor export (its first line is not {\"format\":\"tresor-export\",...})");
    }
    if (version == nullptr || !version->is_number_integer() ||
        version->get<std::int64_t>() != kVersion) {
        fail("an export of a version this tresor does not read (it reads version 1)");
    }
    if (entries == nullptr || !entries->is_number_unsigned() || header.size() != 4) {
        fail("the header needs \"entries\" (a count) and \"exported_at\", and nothing else");
    }
    (void)time_member(header, "exported_at", fail);
    return entries->get<std::size_t>();
}

}  // namespace

SecureString export_header(std::size_t entries, Timestamp exported_at) {
    Json header = Json::object();
    header["format"] = json_text(kFormat);
    header["version"] = kVersion;
    header["entries"] = static_cast<std::uint64_t>(entries);
    header["exported_at"] = json_text(format_time(exported_at));
    return dump_json(header);
}

std::vector<ImportedEntry> parse_export(std::span<const std::uint8_t> plaintext,
                                        const std::string& what) {
    const std::string_view text(reinterpret_cast<const char*>(plaintext.data()), plaintext.size());
    if (!text.ends_with('\n')) {
        throw Error(ErrorCode::invalid_argument,
                    what + ": the export does not end with a line end");
    }
    std::vector<ImportedEntry> entries;
    std::set<std::pair<std::string, std::string>> keys;
    std::size_t expected = 0;
    std::size_t number = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t end = text.find('\n', pos);
        const auto line = plaintext.subspan(pos, end - pos);
        pos = end + 1;
        const LineError fail(what, ++number);
        const Json json = parse_json(line, what + ", line " + std::to_string(number));
        if (number == 1) {
            expected = parse_header(json, fail);
            continue;
        }
        ImportedEntry entry = parse_entry(json, fail);
        if (!keys.emplace(entry.key.service, entry.key.name).second) {
            fail("the entry " + display_key(entry.key) + " appears twice");
        }
        entries.push_back(std::move(entry));
    }
    if (entries.size() != expected) {
        throw Error(ErrorCode::invalid_argument,
                    what + ": the export holds " + std::to_string(entries.size()) +
                        " entries, its header says " + std::to_string(expected));
    }
    return entries;
}

}  // namespace tresor::cli
