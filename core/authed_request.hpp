// core/authed_request.hpp — a credential used at the point of use without
// being read (seed 003's requestAuthed): the caller's request, the
// credential's header added by tresor, sent only to one of the credential's
// origins, and the response handed back with every trace of the value
// replaced.
//
// What is refused, before anything is sent: a credential without origins
// (permission_denied), a URL whose origin is not one of them
// (permission_denied), a URL http/url.hpp refuses, a method that is not an
// uppercase token or is CONNECT or TRACE, a caller header with a control
// character, a reserved name (http/message.hpp) or a name the credential
// sets itself (invalid_argument). Redirects are never followed, so the
// credential never reaches the origin of a Location. Messages name origins,
// header names and the entry, never a value.
#pragma once

#include <vector>

#include "http/client.hpp"
#include "http/url.hpp"
#include "tresor/request.hpp"
#include "tresor/store.hpp"

namespace tresor::core {

// The origins the credential may be sent to (its `origins` field); throws
// Error{permission_denied} when it names none.
[[nodiscard]] std::vector<http::Origin> origins_of(const Entry& entry);

// Sends `request` with the credential (entry + value) through `client`, to
// one of `origins` (origins_of(entry), read once by the caller).
[[nodiscard]] HttpResponse send_with_credential(http::Client& client, const Entry& entry,
                                                const std::vector<http::Origin>& origins,
                                                const Secret& value, const HttpRequest& request);

}  // namespace tresor::core
