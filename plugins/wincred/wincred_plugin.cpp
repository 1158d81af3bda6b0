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
#include "plugins/common/plugin_support.hpp"
#include "plugins/wincred/credential_meta.hpp"
#include "plugins/wincred/target_name.hpp"

namespace {

using tresor::platform::to_utf16;
using tresor::platform::to_utf8;
using tresor::plugin::fail;
using tresor::plugin::guarded;
using tresor::plugin::Params;
namespace wc = tresor::wincred;

// Windows' limit (the SDK's CRED_MAX_CREDENTIAL_BLOB_SIZE, 5 * 512; mingw's
// header says 512).
constexpr std::size_t kMaxBlobBytes = 5 * 512;

struct Context {
    DWORD persist = CRED_PERSIST_ENTERPRISE;
};

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

std::string key_text(const tresor_key* key) {
    return std::string(key->service) + "/" + key->name;
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

struct Record {
    std::string service, name, label, description;
    wc::Meta meta;
    std::int64_t updated_at = 0;
};

Record record_of(const CREDENTIALW& c, std::string service, std::string name) {
    Record r{std::move(service), std::move(name), {}, {}, {}, unix_seconds(c.LastWritten)};
    if (c.Comment != nullptr) {
        r.label = to_utf8(c.Comment).value_or("");
    }
    if (const auto* a = find_attribute(c, wc::kMetaKeyword)) {
        r.meta = wc::decode_meta({a->Value, a->ValueSize}).value_or(wc::Meta{});
    }
    if (const auto* a = find_attribute(c, wc::kDescriptionKeyword)) {
        r.description.assign(reinterpret_cast<const char*>(a->Value), a->ValueSize);
    }
    return r;
}

bool expired(const Record& r) {
    return r.meta.expires_at != 0 && tresor::plugin::unix_now() >= r.meta.expires_at;
}

tresor_entry to_entry(const Record& r) {
    tresor_entry e{};
    e.struct_size = sizeof(e);
    e.service = r.service.c_str();
    e.name = r.name.c_str();
    e.type = r.meta.type;
    e.label = r.label.c_str();
    e.description = r.description.c_str();
    e.created_at = r.meta.created_at;
    e.updated_at = r.updated_at;
    e.expires_at = r.meta.expires_at;
    return e;
}

DWORD persist_of(const tresor_param* params, size_t count) {
    Params p(params, count);
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

// Credential Manager is there when a read of a name nobody uses answers
// "not found" (a service without a loaded profile gets "no logon session").
tresor_status wc_probe(const tresor_param* params, size_t count, tresor_diag* diag) {
    return guarded(diag, [&] {
        (void)persist_of(params, count);
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
        return TRESOR_OK;
    });
}

tresor_status wc_open(const tresor_param* params, size_t count, const tresor_host*, void** ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        *ctx = new Context{persist_of(params, count)};
        return TRESOR_OK;
    });
}

void wc_close(void* ctx) {
    delete static_cast<Context*>(ctx);
}

std::optional<Credential> load(const tresor_key* key) {
    auto c = read_exact(wide(wc::target_name(key->service, key->name), "the key"));
    if (c && expired(record_of(c->get(), key->service, key->name))) {
        return std::nullopt;
    }
    return c;
}

tresor_status wc_get(void*, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                     tresor_diag* diag) {
    return guarded(diag, [&] {
        const auto c = load(key);
        if (!c) {
            return TRESOR_NOT_FOUND;
        }
        return sink(sink_ctx, (*c)->CredentialBlob, (*c)->CredentialBlobSize) == 0
                   ? TRESOR_OK
                   : TRESOR_INTERNAL;
    });
}

tresor_status wc_set(void* ctx, const tresor_key* key, const uint8_t* value, size_t length,
                     const tresor_entry* meta, tresor_diag* diag) {
    return guarded(diag, [&] {
        if (length > kMaxBlobBytes) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "value too large for Windows Credential Manager: a credential holds at most " +
                     std::to_string(kMaxBlobBytes) + " bytes, this value has " +
                     std::to_string(length));
        }
        const std::wstring target = wide(wc::target_name(key->service, key->name), "the key");
        const std::wstring user = wide(key->name, "the name");
        if (user.size() > CRED_MAX_USERNAME_LENGTH) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "name too long for Windows Credential Manager: its user name holds at most " +
                     std::to_string(CRED_MAX_USERNAME_LENGTH) + " UTF-16 characters");
        }
        const std::wstring label = wide(meta->label != nullptr ? meta->label : "", "the label");
        if (label.size() > CRED_MAX_STRING_LENGTH) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "label too long for Windows Credential Manager: its comment holds at most " +
                     std::to_string(CRED_MAX_STRING_LENGTH) + " UTF-16 characters");
        }
        const std::string description = meta->description != nullptr ? meta->description : "";
        if (description.size() > wc::kMaxAttributeBytes) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "description too long for Windows Credential Manager: an attribute holds at "
                 "most " +
                     std::to_string(wc::kMaxAttributeBytes) + " bytes");
        }
        wc::Meta stored{meta->type, tresor::plugin::unix_now(), meta->expires_at};
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
        c.CredentialBlob = const_cast<BYTE*>(value);
        c.CredentialBlobSize = static_cast<DWORD>(length);
        c.Persist = static_cast<Context*>(ctx)->persist;
        c.AttributeCount = description.empty() ? 1 : 2;
        c.Attributes = attributes;
        if (::CredWriteW(&c, 0) == FALSE) {
            fail_windows("writing " + key_text(key));
        }
        return TRESOR_OK;
    });
}

tresor_status wc_remove(void*, const tresor_key* key, int* removed, tresor_diag* diag) {
    return guarded(diag, [&] {
        *removed = 0;
        const std::wstring target = wide(wc::target_name(key->service, key->name), "the key");
        // Deleting by name alone would also delete the same name in another case.
        if (!read_exact(target)) {
            return TRESOR_OK;
        }
        if (::CredDeleteW(target.c_str(), CRED_TYPE_GENERIC, 0) == FALSE) {
            if (::GetLastError() == ERROR_NOT_FOUND) {
                return TRESOR_OK;
            }
            fail_windows("removing " + key_text(key));
        }
        *removed = 1;
        return TRESOR_OK;
    });
}

tresor_status wc_list(void*, const char* service, tresor_entry_sink sink, void* sink_ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        const std::wstring filter = wide(
            service != nullptr ? wc::service_filter(service) : wc::all_filter(), "the service");
        DWORD count = 0;
        PCREDENTIALW* raw = nullptr;
        if (::CredEnumerateW(filter.c_str(), 0, &count, &raw) == FALSE) {
            if (::GetLastError() == ERROR_NOT_FOUND) {
                return TRESOR_OK;
            }
            fail_windows("listing credentials");
        }
        const std::unique_ptr<PCREDENTIALW, CredFreeDeleter> all(raw);
        std::vector<Record> records;
        for (DWORD i = 0; i < count; ++i) {
            const CREDENTIALW& c = *raw[i];
            if (c.Type != CRED_TYPE_GENERIC || c.TargetName == nullptr) {
                continue;
            }
            const auto target = to_utf8(c.TargetName);
            const auto names = target ? wc::parse_target_name(*target) : std::nullopt;
            // The filter ignores case; another service's credentials are not ours to list.
            if (!names || (service != nullptr && names->first != service)) {
                continue;
            }
            Record r = record_of(c, names->first, names->second);
            if (!expired(r)) {
                records.push_back(std::move(r));
            }
        }
        std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
            return std::tie(a.service, a.name) < std::tie(b.service, b.name);
        });
        for (const auto& r : records) {
            const tresor_entry e = to_entry(r);
            if (sink(sink_ctx, &e) != 0) {
                break;
            }
        }
        return TRESOR_OK;
    });
}

tresor_status wc_stat(void*, const tresor_key* key, tresor_entry_sink sink, void* sink_ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        const auto c = load(key);
        if (!c) {
            return TRESOR_NOT_FOUND;
        }
        const Record r = record_of(c->get(), key->service, key->name);
        const tresor_entry e = to_entry(r);
        sink(sink_ctx, &e);
        return TRESOR_OK;
    });
}

constexpr tresor_plugin kPlugin = {
    TRESOR_PLUGIN_ABI_MAJOR,
    TRESOR_PLUGIN_ABI_MINOR,
    sizeof(tresor_plugin),
    TRESOR_CAP_PERSISTENT | TRESOR_CAP_SHARED | TRESOR_CAP_LIST | TRESOR_CAP_METADATA |
        TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY,
    "wincred",
    "0.1.0",
    "Windows Credential Manager (generic credentials; 2560 bytes per value)",
    wc_probe,
    wc_open,
    wc_close,
    wc_get,
    wc_set,
    wc_remove,
    wc_list,
    wc_stat,
    nullptr,  // set_many: the host sets a batch one by one
};

}  // namespace

extern "C" const tresor_plugin* tresor_plugin_wincred_entry(uint32_t, uint32_t) {
    return &kPlugin;
}
