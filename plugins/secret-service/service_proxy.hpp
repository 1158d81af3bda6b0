// plugins/secret-service/service_proxy.hpp — libsecret's SecretService
// proxy with its encrypted transfer session, opened without what the plugin
// never reads: the proxy's cached properties (a GetAll round trip to the
// daemon, listing every collection) and its signal subscriptions.
#pragma once

#include <chrono>

#include "plugins/secret-service/glib_support.hpp"

namespace tresor::secret_service {

// The process's proxy, its session open (opened on first use, then shared,
// as secret_service_get_sync shares libsecret's default one): a new
// reference. Fails as throw_if_error says, a missing service being
// TRESOR_UNAVAILABLE.
Ref<SecretService> open_service(std::chrono::milliseconds timeout);

}  // namespace tresor::secret_service
