// plugins/wincred — Windows Credential Manager: one generic credential per
// secret (CredWriteW/CredReadW/CredDeleteW/CredEnumerateW).
//
// A credential: TargetName "tresor:SERVICE/NAME" (target_name.hpp has the
// escaping), UserName the name, CredentialBlob the value's bytes as given
// (binary-safe; at most 2560 bytes, Windows' limit, enforced here because
// Wine accepts more), Comment the label, attributes the rest of the metadata
// (credential_meta.hpp). Expiry is honoured by this plugin: an expired
// credential reads as missing and is not listed.
//
// Credential Manager compares target names without regard to case; tresor's
// keys are case-sensitive. A key that differs from a stored one only in case
// is therefore refused on set (it would replace the other) and reads as
// missing.
//
// Parameters:
//   persist   "enterprise" (default, as Bun does: roams with a domain
//             profile), "local_machine" (this computer, every logon
//             session of the user) or "session" (until logoff)
#include <windows.h>
// after windows.h:
#include <wincred.h>

#include <algorithm>
#include <memory>

#include "platform/utf16_windows.hpp"
#include "plugins/common/plugin_kit.hpp"
#include "plugins/wincred/credential_meta.hpp"
#include "plugins/wincred/target_name.hpp"

namespace {

using tresor::platform::to_utf16;
using tresor::platform::to_utf8;
using namespace tresor::plugin;  // the kit: Entry, NewEntry, SecretOut, fail...
namespace wc = tresor::wincred;

// Windows' limit (the SDK's CRED_MAX_CREDENTIAL_BLOB_SIZE, 5 * 512; mingw's
// header says 512).
constexpr std::size_t kMaxBlobBytes = 5 * 512;

[[noreturn]] void fail_windows(const std::string& doing) {
    const DWORD error = ::GetLastError();
    switch (error) {
        case ERROR_NO_SUCH_LOGON_SESSION:
            fail(TRESOR_UNAVAILABLE, "Credential Manager has no logon session here (" + doing +
                                         "): a service without a loaded user profile has none");
        case ERROR_ACCESS_DENIED:
            fail(TRESOR_PERMISSION_DENIED, "Credential Manager refused " + doing + ": " +
                                               tresor::platform::windows_error_text(error));
        case ERROR_BAD_USERNAME:
        case ERROR_INVALID_PARAMETER:
            fail(TRESOR_INVALID_ARGUMENT, "Credential Manager refused " + doing + ": " +
                                              tresor::platform::windows_error_text(error));
        default:
            fail(TRESOR_IO, "Credential Manager failed " + doing + ": " +
                                tresor::platform::windows_error_text(error));
    }
}

std::wstring wide(std::string_view text, std::string_view what) {
    auto out = to_utf16(text);
    if (!out) {
        fail(TRESOR_INVALID_ARGUMENT, std::string(what) + " is not valid UTF-8");
    }
    return std::move(*out);
}

std::string key_text(const tresor_key& key) {
    return std::string(key.service) + "/" + key.name;
}

struct CredFreeDeleter {
    void operator()(void* p) const { ::CredFree(p); }
};

// A credential read from Credential Manager; its value is wiped before the
// memory goes back.
class Credential {
  public:
    explicit Credential(PCREDENTIALW c) : c_(c) {}
    ~Credential() {
        if (c_ != nullptr && c_->CredentialBlob != nullptr) {
            ::SecureZeroMemory(c_->CredentialBlob, c_->CredentialBlobSize);
        }
    }
    Credential(Credential&&) noexcept = default;
    Credential(const Credential&) = delete;
    Credential& operator=(const Credential&) = delete;
    Credential& operator=(Credential&&) = delete;
    const CREDENTIALW* operator->() const { return c_.get(); }
    const CREDENTIALW& get() const { return *c_; }

  private:
    std::unique_ptr<CREDENTIALW, CredFreeDeleter> c_;
};

// The credential stored under exactly this target (same case), if any.
std::optional<Credential> read_exact(const std::wstring& target) {
    PCREDENTIALW raw = nullptr;
    if (::CredReadW(target.c_str(), CRED_TYPE_GENERIC, 0, &raw) == FALSE) {
        if (::GetLastError() == ERROR_NOT_FOUND) {
            return std::nullopt;
        }
        fail_windows("reading a credential");
    }
    Credential c(raw);
    if (c->TargetName == nullptr || target != c->TargetName) {
        return std::nullopt;  // the same name in another case: another key
    }
    return c;
}

const CREDENTIAL_ATTRIBUTEW* find_attribute(const CREDENTIALW& c, std::string_view keyword) {
    const std::wstring wanted(keyword.begin(), keyword.end());
    for (DWORD i = 0; i < c.AttributeCount; ++i) {
        if (c.Attributes[i].Keyword != nullptr && wanted == c.Attributes[i].Keyword) {
            return &c.Attributes[i];
        }
    }
    return nullptr;
}

std::int64_t unix_seconds(const FILETIME& t) {
    const std::uint64_t ticks = (std::uint64_t{t.dwHighDateTime} << 32) | t.dwLowDateTime;
    constexpr std::uint64_t kUnixEpoch = 116444736000000000ULL;  // 1970 in 100 ns since 1601
    return ticks < kUnixEpoch ? 0 : static_cast<std::int64_t>((ticks - kUnixEpoch) / 10000000ULL);
}

Entry entry_of(const CREDENTIALW& c, std::string service, std::string name) {
    Entry e;
    e.service = std::move(service);
    e.name = std::move(name);
    e.updated_at = unix_seconds(c.LastWritten);
    if (c.Comment != nullptr) {
        e.label = to_utf8(c.Comment).value_or("");
    }
    if (const auto* a = find_attribute(c, wc::kMetaKeyword)) {
        const wc::Meta meta = wc::decode_meta({a->Value, a->ValueSize}).value_or(wc::Meta{});
        e.type = meta.type;
        e.created_at = meta.created_at;
        e.expires_at = meta.expires_at;
    }
    if (const auto* a = find_attribute(c, wc::kDescriptionKeyword)) {
        e.description.assign(reinterpret_cast<const char*>(a->Value), a->ValueSize);
    }
    return e;
}

bool expired(const Entry& e) {
    return e.expires_at != 0 && unix_now() >= e.expires_at;
}

DWORD persist_of(Params& p) {
    const std::string persist = p.take_or("persist", "enterprise");
    p.reject_unknown("wincred");
    if (persist == "enterprise") {
        return CRED_PERSIST_ENTERPRISE;
    }
    if (persist == "local_machine") {
        return CRED_PERSIST_LOCAL_MACHINE;
    }
    if (persist == "session") {
        return CRED_PERSIST_SESSION;
    }
    fail(TRESOR_INVALID_ARGUMENT,
         "parameter 'persist' must be enterprise, local_machine or session, not '" + persist + "'");
}

// The credential of a key, unless it expired.
std::optional<Credential> load(const tresor_key& key) {
    auto c = read_exact(wide(wc::target_name(key.service, key.name), "the key"));
    if (c && expired(entry_of(c->get(), key.service, key.name))) {
        return std::nullopt;
    }
    return c;
}

class Wincred {
  public:
    static constexpr Info info{
        .name = "wincred",
        .summary = "Windows Credential Manager (generic credentials; 2560 bytes per value)",
        .capabilities = TRESOR_CAP_PERSISTENT | TRESOR_CAP_SHARED | TRESOR_CAP_LIST |
                        TRESOR_CAP_METADATA | TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY,
    };

    // Credential Manager is there when a read of a name nobody uses answers
    // "not found" (a service without a loaded profile gets "no logon session").
    static void probe(Params& params) {
        (void)persist_of(params);
        PCREDENTIALW raw = nullptr;
        if (::CredReadW(L"tresor:probe/probe", CRED_TYPE_GENERIC, 0, &raw) != FALSE) {
            ::CredFree(raw);
        } else if (::GetLastError() != ERROR_NOT_FOUND) {
            try {
                fail_windows("probing");
            } catch (const tresor::plugin::Failure& failure) {
                fail(TRESOR_UNAVAILABLE, failure.what());
            }
        }
    }

    explicit Wincred(Params& params) : persist_(persist_of(params)) {}

    bool get(const tresor_key& key, SecretOut& out) {
        const auto c = load(key);
        if (!c) {
            return false;
        }
        out.give({(*c)->CredentialBlob, (*c)->CredentialBlobSize});
        return true;
    }

    void set(const tresor_key& key, Bytes value, const NewEntry& meta) {
        if (value.size() > kMaxBlobBytes) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "value too large for Windows Credential Manager: a credential holds at most " +
                     std::to_string(kMaxBlobBytes) + " bytes, this value has " +
                     std::to_string(value.size()));
        }
        const std::wstring target = wide(wc::target_name(key.service, key.name), "the key");
        const std::wstring user = wide(key.name, "the name");
        if (user.size() > CRED_MAX_USERNAME_LENGTH) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "name too long for Windows Credential Manager: its user name holds at most " +
                     std::to_string(CRED_MAX_USERNAME_LENGTH) + " UTF-16 characters");
        }
        const std::wstring label = wide(meta.label, "the label");
        if (label.size() > CRED_MAX_STRING_LENGTH) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "label too long for Windows Credential Manager: its comment holds at most " +
                     std::to_string(CRED_MAX_STRING_LENGTH) + " UTF-16 characters");
        }
        const std::string& description = meta.description;
        if (description.size() > wc::kMaxAttributeBytes) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "description too long for Windows Credential Manager: an attribute holds at "
                 "most " +
                     std::to_string(wc::kMaxAttributeBytes) + " bytes");
        }
        wc::Meta stored{meta.type, unix_now(), meta.expires_at};
        PCREDENTIALW existing = nullptr;
        if (::CredReadW(target.c_str(), CRED_TYPE_GENERIC, 0, &existing) != FALSE) {
            const Credential old(existing);
            if (old->TargetName == nullptr || target != old->TargetName) {
                fail(TRESOR_INVALID_ARGUMENT,
                     "Credential Manager does not tell names apart by case: setting " +
                         key_text(key) + " would replace " +
                         to_utf8(old->TargetName != nullptr ? old->TargetName : L"").value_or("?"));
            }
            if (const auto* a = find_attribute(old.get(), wc::kMetaKeyword)) {
                if (const auto decoded = wc::decode_meta({a->Value, a->ValueSize})) {
                    stored.created_at = decoded->created_at;
                }
            }
        } else if (::GetLastError() != ERROR_NOT_FOUND) {
            fail_windows("reading a credential");
        }
        std::vector<std::uint8_t> meta_bytes = wc::encode_meta(stored);
        std::wstring meta_keyword(wc::kMetaKeyword.begin(), wc::kMetaKeyword.end());
        std::wstring description_keyword(wc::kDescriptionKeyword.begin(),
                                         wc::kDescriptionKeyword.end());
        CREDENTIAL_ATTRIBUTEW attributes[2] = {
            {meta_keyword.data(), 0, static_cast<DWORD>(meta_bytes.size()), meta_bytes.data()},
            {description_keyword.data(), 0, static_cast<DWORD>(description.size()),
             reinterpret_cast<BYTE*>(const_cast<char*>(description.data()))}};
        CREDENTIALW c{};
        c.Type = CRED_TYPE_GENERIC;
        c.TargetName = const_cast<wchar_t*>(target.c_str());
        c.UserName = const_cast<wchar_t*>(user.c_str());
        c.Comment = label.empty() ? nullptr : const_cast<wchar_t*>(label.c_str());
        c.CredentialBlob = const_cast<BYTE*>(value.data());
        c.CredentialBlobSize = static_cast<DWORD>(value.size());
        c.Persist = persist_;
        c.AttributeCount = description.empty() ? 1 : 2;
        c.Attributes = attributes;
        if (::CredWriteW(&c, 0) == FALSE) {
            fail_windows("writing " + key_text(key));
        }
    }

    bool remove(const tresor_key& key) {
        const std::wstring target = wide(wc::target_name(key.service, key.name), "the key");
        // Deleting by name alone would also delete the same name in another case.
        if (!read_exact(target)) {
            return false;
        }
        if (::CredDeleteW(target.c_str(), CRED_TYPE_GENERIC, 0) == FALSE) {
            if (::GetLastError() == ERROR_NOT_FOUND) {
                return false;
            }
            fail_windows("removing " + key_text(key));
        }
        return true;
    }

    void list(std::optional<std::string_view> service, EntryOut& out) {
        const std::wstring filter =
            wide(service ? wc::service_filter(*service) : wc::all_filter(), "the service");
        DWORD count = 0;
        PCREDENTIALW* raw = nullptr;
        if (::CredEnumerateW(filter.c_str(), 0, &count, &raw) == FALSE) {
            if (::GetLastError() == ERROR_NOT_FOUND) {
                return;
            }
            fail_windows("listing credentials");
        }
        const std::unique_ptr<PCREDENTIALW, CredFreeDeleter> all(raw);
        std::vector<Entry> entries;
        for (DWORD i = 0; i < count; ++i) {
            const CREDENTIALW& c = *raw[i];
            if (c.Type != CRED_TYPE_GENERIC || c.TargetName == nullptr) {
                continue;
            }
            const auto target = to_utf8(c.TargetName);
            const auto names = target ? wc::parse_target_name(*target) : std::nullopt;
            // The filter ignores case; another service's credentials are not ours to list.
            if (!names || (service && names->first != *service)) {
                continue;
            }
            Entry e = entry_of(c, names->first, names->second);
            if (!expired(e)) {
                entries.push_back(std::move(e));
            }
        }
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
            return std::tie(a.service, a.name) < std::tie(b.service, b.name);
        });
        for (const auto& e : entries) {
            if (!out.add(e)) {
                break;
            }
        }
    }

    std::optional<Entry> stat(const tresor_key& key) {
        const auto c = load(key);
        if (!c) {
            return std::nullopt;
        }
        return entry_of(c->get(), key.service, key.name);
    }

  private:
    DWORD persist_;
};

}  // namespace

TRESOR_PLUGIN_KIT(wincred, Wincred)
