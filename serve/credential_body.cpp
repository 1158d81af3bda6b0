#include "serve/credential_body.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "cli/format.hpp"

namespace tresor::serve {
namespace {

using nlohmann::json;

// Field names come from the client: quoted back cut short (the JSON writer
// of the answer escapes what is not text).
std::string field_name(std::string_view field) {
    constexpr std::size_t kShown = 64;
    return "'" + std::string(field.substr(0, kShown)) + (field.size() > kShown ? "...'" : "'");
}

[[noreturn]] void invalid(const std::string& message) {
    throw Error(ErrorCode::invalid_argument, message);
}

// Seed 002's fields: "Will be trimmed" (spaces, tabs, CR, LF at both ends).
std::string_view trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

const std::string& string_field(const json& value, std::string_view field) {
    if (!value.is_string()) {
        invalid("field " + field_name(field) + " must be a string");
    }
    return value.get_ref<const std::string&>();
}

// What a type's own fields become. `attribute` empty: the field is the value.
struct SeedField {
    std::string_view type;
    std::string_view field;
    std::string_view attribute;
};

constexpr std::array<SeedField, 10> kSeedFields = {{
    {"basic_auth", "username", "username"},
    {"basic_auth", "password", ""},
    {"oauth2", "clientId", "client_id"},
    {"oauth2", "tokenUrl", "token_url"},
    {"oauth2", "scopes", "scopes"},
    {"oauth2", "clientSecret", ""},
    {"jwt", "algorithm", "algorithm"},
    {"jwt", "secret", ""},
    {"jwt", "privateKey", ""},
    {"custom", "headers", ""},
}};

const SeedField* seed_field(std::string_view field) {
    const auto it = std::find_if(kSeedFields.begin(), kSeedFields.end(),
                                 [&](const SeedField& f) { return f.field == field; });
    return it == kSeedFields.end() ? nullptr : &*it;
}

// RFC 6749 3.3: scopes are space-separated; seed 004 may send an array.
std::string scopes_of(const json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    std::string out;
    if (!value.is_array()) {
        invalid("field 'scopes' must be a string or an array of strings");
    }
    for (const json& scope : value) {
        out += (out.empty() ? "" : " ") + string_field(scope, "scopes");
    }
    return out;
}

// custom's headers {name: value}: the names as the attribute, the values
// one per line as the value, in the same (sorted) order.
Secret headers_of(const json& value, Attributes& fields) {
    if (!value.is_object() || value.empty()) {
        invalid("field 'headers' must be a non-empty object of header names and values");
    }
    std::string names;
    SecureBytes lines;
    for (const auto& [name, text] : value.items()) {
        const std::string& line = string_field(text, "headers");
        names += (names.empty() ? "" : ",") + name;
        if (!lines.empty()) {
            lines.push_back('\n');
        }
        lines.insert(lines.end(), line.begin(), line.end());
    }
    fields["headers"] = names;
    return Secret(std::move(lines));
}

// expiresAt: RFC 3339 (cli::parse_time: fractions and offsets, real dates,
// nothing after), or Unix seconds; null for none.
std::optional<Timestamp> expiry_of(const json& value) {
    if (value.is_null()) {
        return std::nullopt;
    }
    if (value.is_number_integer() &&
        (value.is_number_unsigned() ? value.get<std::uint64_t>() <= INT64_MAX : true)) {
        return Timestamp(std::chrono::seconds(value.get<std::int64_t>()));
    }
    if (value.is_string()) {
        return cli::parse_time(value.get_ref<const std::string&>());
    }
    invalid(
        "expiresAt must be an RFC 3339 time (2027-01-31T12:00:00Z, "
        "2027-01-31T12:00:00.000+01:00) or Unix seconds");
}

class Reader {
  public:
    Reader(BodyKind kind, std::string_view type) : kind_(kind), type_(type) {}

    void read(std::string_view field, const json& value, CredentialBody& out) {
        if (field == "service" || field == "name") {
            if (kind_ == BodyKind::update) {
                invalid("field " + field_name(field) + " cannot be changed by PATCH");
            }
            std::string& target = field == "service" ? out.service : out.name;
            target = string_field(value, field);
        } else if (field == "key" || field == "value") {
            const std::string& text = string_field(value, field);
            set_value(field, Secret(field == "key" ? trim(text) : std::string_view(text)), out);
        } else if (field == "type") {
            out.type = string_field(value, field);
        } else if (field == "description") {
            out.description = string_field(value, field);
        } else if (field == "expiresAt") {
            out.expiry_given = true;
            out.expires_at = expiry_of(value);
        } else if (field == "attributes") {
            if (!value.is_object() || !std::all_of(value.begin(), value.end(),
                                                   [](const json& v) { return v.is_string(); })) {
                invalid("attributes must be an object of strings");
            }
            out.attributes = value.get<Attributes>();
        } else if (const SeedField* seed = seed_field(field)) {
            read_seed_field(*seed, value, out);
        } else {
            invalid("unknown field " + field_name(field));
        }
    }

    // Fields of the type's own that also came in "attributes".
    static void check_no_overlap(const CredentialBody& out) {
        if (!out.attributes) {
            return;
        }
        for (const auto& [attribute, text] : out.fields) {
            if (out.attributes->contains(attribute)) {
                invalid("attribute '" + attribute + "' is given twice: in attributes and by its " +
                        "own field");
            }
        }
    }

  private:
    void read_seed_field(const SeedField& seed, const json& value, CredentialBody& out) {
        if (seed.type != type_) {
            invalid("field " + field_name(seed.field) + " belongs to type " +
                    std::string(seed.type) + ", not " + std::string(type_) + " (give \"type\": \"" +
                    std::string(seed.type) + "\")");
        }
        if (seed.field == "headers") {
            set_value(seed.field, headers_of(value, out.fields), out);
        } else if (seed.field == "scopes") {
            out.fields["scopes"] = scopes_of(value);
        } else if (!seed.attribute.empty()) {
            out.fields[std::string(seed.attribute)] = string_field(value, seed.field);
        } else {
            set_value(seed.field, Secret(string_field(value, seed.field)), out);
            if (seed.type == "jwt") {
                out.fields["key"] = seed.field == "secret" ? "secret" : "private_key";
            }
        }
    }

    void set_value(std::string_view field, Secret value, CredentialBody& out) {
        if (!value_field_.empty()) {
            invalid("the secret is given twice: in " + field_name(value_field_) + " and in " +
                    field_name(field));
        }
        value_field_ = field;
        out.value = std::move(value);
    }

    BodyKind kind_;
    std::string_view type_;
    std::string value_field_;
};

}  // namespace

Attributes CredentialBody::attributes_over(const Attributes& kept) const {
    Attributes out = attributes.value_or(kept);
    for (const auto& [attribute, text] : fields) {
        out[attribute] = text;
    }
    return out;
}

CredentialBody parse_credential_body(const json& body, BodyKind kind,
                                     std::string_view fallback_type) {
    CredentialBody out;
    const auto type = body.find("type");
    std::string type_name(fallback_type);
    if (type != body.end()) {
        type_name = string_field(*type, "type");
    }
    Reader reader(kind, type_name);
    for (const auto& [field, value] : body.items()) {
        reader.read(field, value, out);
    }
    Reader::check_no_overlap(out);
    out.seed_002 = body.contains("service") || body.contains("key");
    if (out.seed_002) {
        out.service = std::string(trim(out.service));
        out.name = std::string(trim(out.name));
    }
    return out;
}

}  // namespace tresor::serve
