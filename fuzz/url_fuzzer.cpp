// The URLs and origins a caller (an agent, an API client) hands tresor to
// send a credential to (http/url.hpp). Beyond "no crash": what is accepted
// is canonical, so parsing its own text gives it back unchanged, and the
// origin list of a credential round-trips the same way.
#include <string_view>

#include "fuzz/fuzz_main.hpp"
#include "http/url.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!text.empty() && text[0] == 'O') {
        std::string canonical;
        for (const auto& origin : tresor::http::parse_origin_list(text.substr(1))) {
            canonical += (canonical.empty() ? "" : " ") + origin.text();
        }
        std::string again;
        for (const auto& origin : tresor::http::parse_origin_list(canonical)) {
            again += (again.empty() ? "" : " ") + origin.text();
        }
        if (again != canonical) {
            std::abort();
        }
        return;
    }
    const tresor::http::Url url = tresor::http::parse_url(text);
    const tresor::http::Url reparsed = tresor::http::parse_url(url.text());
    if (!(reparsed.origin == url.origin) || reparsed.target != url.target ||
        tresor::http::parse_origin(url.origin.text()).text() != url.origin.text()) {
        std::abort();
    }
}
