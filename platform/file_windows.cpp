// platform/file.hpp on Windows. A FileDescriptor holds a C runtime descriptor
// wrapping a Win32 handle (_open_osfhandle). Files are opened without
// FILE_SHARE_WRITE or FILE_SHARE_DELETE, so while tresor holds one nobody can
// change, rename or replace it; a final symlink or junction is opened as
// itself (FILE_FLAG_OPEN_REPARSE_POINT) and refused.
//
// Who could have written it is read from the security descriptor of the
// open handle, as Win32-OpenSSH checks its key files: the owner must be the
// user (or, where the rules allow root, Administrators or SYSTEM), and no
// allow-ACE may give anyone else a right to write it (or, for a private file,
// to read it). Folders: only the last one is checked (its owner, and that
// nobody else may add, delete or rename its entries); walking up from the
// drive as on POSIX would refuse every system, whose C:\ lets every user
// create folders. open_trusted_file judges the file by its own owner and ACL
// and not its folder: a file another user planted or swapped in is theirs,
// and refused. Not needed on Windows and left undefined here:
// open_trusted_file_in, check_private_entry, write_private_file (the file
// vault's, which this build lacks).
#include <windows.h>
// after windows.h:
#include <aclapi.h>
#include <io.h>
#include <sddl.h>

#include <array>
#include <memory>
#include <vector>

#include "platform/file.hpp"
#include "platform/handle_windows.hpp"
#include "platform/secure_memory.hpp"
#include "platform/utf16_windows.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

[[noreturn]] void refuse(const std::string& message) {
    throw Error(ErrorCode::permission_denied, message);
}

[[noreturn]] void throw_windows_error(DWORD error, const std::string& context) {
    const ErrorCode code = error == ERROR_ACCESS_DENIED || error == ERROR_SHARING_VIOLATION
                               ? ErrorCode::permission_denied
                               : ErrorCode::io;
    throw Error(code, context + ": " + windows_error_text(error));
}

// Hands an open handle to a C runtime descriptor, which then owns it.
FileDescriptor into_descriptor(OwnedHandle& handle, const std::string& context) {
    const int fd = ::_open_osfhandle(reinterpret_cast<intptr_t>(handle.get()), 0);
    if (fd < 0) {
        throw Error(ErrorCode::io, context + ": no descriptor left");
    }
    (void)handle.release();
    return FileDescriptor(fd);
}

struct LocalFreeDeleter {
    void operator()(void* p) const { ::LocalFree(p); }
};

std::string sid_text(PSID sid) {
    char* text = nullptr;
    if (::ConvertSidToStringSidA(sid, &text) == 0) {
        return "an unknown account";
    }
    std::string out(text);
    ::LocalFree(text);
    return out;
}

// The SID of the user this process runs as.
std::vector<std::uint8_t> current_user_sid() {
    HANDLE token = nullptr;
    if (::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token) == 0) {
        throw_windows_error(::GetLastError(), "cannot read this process's user");
    }
    const OwnedHandle owned(token);
    DWORD size = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    std::vector<std::uint8_t> buffer(size);
    if (::GetTokenInformation(token, TokenUser, buffer.data(), size, &size) == 0) {
        throw_windows_error(::GetLastError(), "cannot read this process's user");
    }
    const PSID sid = reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid;
    const auto* bytes = static_cast<const std::uint8_t*>(sid);
    return {bytes, bytes + ::GetLengthSid(sid)};
}

bool is_well_known(PSID sid, WELL_KNOWN_SID_TYPE type) {
    return ::IsWellKnownSid(sid, type) != 0;
}

// The accounts that may own, and may write, what tresor trusts.
bool trusted_account(PSID sid, Owner owner) {
    const std::vector<std::uint8_t> user = current_user_sid();
    if (::EqualSid(sid, const_cast<std::uint8_t*>(user.data())) != 0) {
        return true;
    }
    return owner == Owner::self_or_root && (is_well_known(sid, WinBuiltinAdministratorsSid) ||
                                            is_well_known(sid, WinLocalSystemSid));
}

constexpr DWORD kWriteRights = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |
                               FILE_WRITE_ATTRIBUTES | FILE_DELETE_CHILD | DELETE | WRITE_DAC |
                               WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL;
constexpr DWORD kReadRights = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;

// Checks the owner and the allow-ACEs of an open file or folder.
void check_security(HANDLE h, Owner owner, bool private_file, const std::string& what) {
    PSID owner_sid = nullptr;
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    const DWORD status =
        ::GetSecurityInfo(h, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                          &owner_sid, nullptr, &dacl, nullptr, &descriptor);
    if (status != ERROR_SUCCESS) {
        throw_windows_error(status, "cannot read the permissions of " + what);
    }
    const std::unique_ptr<void, LocalFreeDeleter> free_descriptor(descriptor);
    if (owner_sid == nullptr || !trusted_account(owner_sid, owner)) {
        refuse("refusing " + what + ": owned by " +
               (owner_sid != nullptr ? sid_text(owner_sid) : std::string("nobody")) + ", not by " +
               (owner == Owner::self ? "you" : "you, Administrators or SYSTEM"));
    }
    if (dacl == nullptr) {
        refuse("refusing " + what + ": it has no access list, so everyone may change it");
    }
    for (DWORD i = 0; i < dacl->AceCount; ++i) {
        void* ace = nullptr;
        if (::GetAce(dacl, i, &ace) == 0) {
            continue;
        }
        const auto* header = static_cast<const ACE_HEADER*>(ace);
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE)) {
            continue;  // deny-ACEs only take rights away; inherit-only ones do not apply here
        }
        const auto* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(ace);
        const PSID sid = const_cast<DWORD*>(&allowed->SidStart);
        const DWORD forbidden = kWriteRights | (private_file ? kReadRights : 0);
        if ((allowed->Mask & forbidden) != 0 && !trusted_account(sid, Owner::self_or_root) &&
            !is_well_known(sid, WinCreatorOwnerSid)) {
            refuse("refusing " + what + ": " + sid_text(sid) +
                   ((allowed->Mask & kWriteRights) != 0 ? " may change it" : " may read it") +
                   " (fix with: icacls \"" + what.substr(what.find(' ') + 1) +
                   "\" /inheritance:r /grant:r \"%USERNAME%:F\")");
        }
    }
}

}  // namespace

FileDescriptor check_trusted_folder(const std::filesystem::path& folder, std::string_view what) {
    const std::filesystem::path target = folder.empty() ? std::filesystem::path(".") : folder;
    const std::string label = std::string(what) + " folder " + target.string();
    // Held without FILE_SHARE_DELETE: the folder cannot be renamed or
    // replaced while the caller holds the descriptor.
    OwnedHandle dir(::CreateFileW(target.c_str(), READ_CONTROL | FILE_LIST_DIRECTORY,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                  FILE_FLAG_BACKUP_SEMANTICS, nullptr));
    if (!dir) {
        throw_windows_error(::GetLastError(), "cannot use " + label);
    }
    check_security(dir.get(), Owner::self_or_root, false, label);
    return into_descriptor(dir, "cannot use " + label);
}

FileDescriptor open_trusted_file(const std::filesystem::path& path, const TrustRules& rules) {
    const std::string what = std::string(rules.what) + " " + path.string();
    if (!path.has_filename()) {
        throw Error(ErrorCode::io, "cannot use " + what + ": a directory, not a regular file");
    }
    const DWORD flags = rules.follow_final_symlink ? 0 : FILE_FLAG_OPEN_REPARSE_POINT;
    OwnedHandle file(::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr,
                                   OPEN_EXISTING, flags, nullptr));
    if (!file) {
        throw_windows_error(::GetLastError(), "cannot open " + what);
    }
    BY_HANDLE_FILE_INFORMATION info{};
    if (::GetFileInformationByHandle(file.get(), &info) == 0) {
        throw_windows_error(::GetLastError(), "cannot inspect " + what);
    }
    if ((info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
        refuse("refusing " + what + ": it is a symlink or junction (those are refused)");
    }
    if ((info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0 ||
        ::GetFileType(file.get()) != FILE_TYPE_DISK) {
        throw Error(ErrorCode::io, "cannot use " + what + ": not a regular file");
    }
    check_security(file.get(), rules.owner, (rules.forbidden_mode & 044) != 0, what);
    const std::uint64_t size =
        (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
    if (rules.max_bytes != 0 && size > rules.max_bytes) {
        throw Error(ErrorCode::io, "cannot use " + what + ": " + std::to_string(size) +
                                       " bytes, more than the " + std::to_string(rules.max_bytes) +
                                       " a " + std::string(rules.what) + " may have");
    }
    return into_descriptor(file, "cannot open " + what);
}

void read_bounded(int fd, std::uint64_t max_bytes, const std::string& what,
                  const std::function<void(std::span<const std::uint8_t>)>& sink) {
    const auto handle = reinterpret_cast<HANDLE>(::_get_osfhandle(fd));
    std::array<std::uint8_t, 4096> chunk;
    std::uint64_t total = 0;
    struct Wipe {
        std::array<std::uint8_t, 4096>& buffer;
        ~Wipe() { wipe(buffer.data(), buffer.size()); }
    } wipe_chunk{chunk};
    for (;;) {
        DWORD n = 0;
        if (::ReadFile(handle, chunk.data(), static_cast<DWORD>(chunk.size()), &n, nullptr) == 0) {
            const DWORD error = ::GetLastError();
            if (error == ERROR_BROKEN_PIPE || error == ERROR_HANDLE_EOF) {
                return;
            }
            throw_windows_error(error, "cannot read " + what);
        }
        if (n == 0) {
            return;
        }
        total += n;
        if (total > max_bytes) {
            throw Error(ErrorCode::io, "cannot read " + what + ": more than " +
                                           std::to_string(max_bytes) + " bytes");
        }
        sink({chunk.data(), static_cast<std::size_t>(n)});
    }
}

}  // namespace tresor::platform
