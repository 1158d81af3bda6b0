#include "core/status.hpp"

namespace tresor {

std::string_view to_string(ErrorCode code) noexcept {
    return core::status_name(core::to_status(code));
}

namespace core {

const char* status_name(tresor_status status) noexcept {
    switch (status) {
        case TRESOR_OK:
            return "ok";
        case TRESOR_NOT_FOUND:
            return "not found";
        case TRESOR_UNAVAILABLE:
            return "unavailable";
        case TRESOR_LOCKED:
            return "locked";
        case TRESOR_AUTH_FAILED:
            return "authentication failed";
        case TRESOR_CORRUPT:
            return "corrupt";
        case TRESOR_INVALID_ARGUMENT:
            return "invalid argument";
        case TRESOR_IO:
            return "I/O error";
        case TRESOR_PERMISSION_DENIED:
            return "permission denied";
        case TRESOR_CONFIG:
            return "config error";
        case TRESOR_PLUGIN_ABI:
            return "plugin error";
        case TRESOR_INTERNAL:
            return "internal error";
    }
    return "unknown status";
}

ErrorCode to_error_code(tresor_status status) noexcept {
    switch (status) {
        case TRESOR_UNAVAILABLE:
            return ErrorCode::unavailable;
        case TRESOR_LOCKED:
            return ErrorCode::locked;
        case TRESOR_AUTH_FAILED:
            return ErrorCode::auth_failed;
        case TRESOR_CORRUPT:
            return ErrorCode::corrupt;
        case TRESOR_INVALID_ARGUMENT:
            return ErrorCode::invalid_argument;
        case TRESOR_IO:
            return ErrorCode::io;
        case TRESOR_PERMISSION_DENIED:
            return ErrorCode::permission_denied;
        case TRESOR_CONFIG:
            return ErrorCode::config;
        case TRESOR_PLUGIN_ABI:
            return ErrorCode::plugin_abi;
        default:
            return ErrorCode::internal;
    }
}

tresor_status to_status(ErrorCode code) noexcept {
    return static_cast<tresor_status>(code);
}

}  // namespace core
}  // namespace tresor
