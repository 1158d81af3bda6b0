#include "plugins/wincred/target_name.hpp"

#include "plugins/common/key_text.hpp"

namespace tresor::wincred {
namespace {

// '/' separates service from name; '*' is CredEnumerateW's wildcard. Every
// other character stays as it is.
constexpr tresor::plugin::KeyText kTarget{kTargetPrefix, '/',
                                          [](unsigned char byte) { return byte != '*'; }};

}  // namespace

std::string target_name(std::string_view service, std::string_view name) {
    return kTarget.write(service, name);
}

std::string service_filter(std::string_view service) {
    return std::string(kTargetPrefix) + kTarget.escape(service) + "/*";
}

std::string all_filter() {
    return std::string(kTargetPrefix) + "*";
}

std::optional<std::pair<std::string, std::string>> parse_target_name(std::string_view target) {
    return kTarget.read(target);
}

}  // namespace tresor::wincred
