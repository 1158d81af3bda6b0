// plugins/common/plugin_support.hpp — what every in-tree plugin needs to keep
// the ABI rules of tresor/plugin.h: one catch-all guard per entry point,
// diagnostics in the host's buffer, and strict parameter parsing.
//
// Header-only on purpose: a plugin module links nothing from the host.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tresor/error.hpp"
#include "tresor/plugin.h"

namespace tresor::plugin {

// Thrown inside a plugin, turned into a status and a diagnostic by guarded().
// The message must never hold a secret value.
class Failure : public std::exception {
  public:
    Failure(tresor_status status, std::string message)
        : status_(status), message_(std::move(message)) {}
    [[nodiscard]] tresor_status status() const noexcept { return status_; }
    [[nodiscard]] const char* what() const noexcept override { return message_.c_str(); }

  private:
    tresor_status status_;
    std::string message_;
};

// Now, in the Unix seconds of tresor_entry's times.
inline std::int64_t unix_now() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

[[noreturn]] inline void fail(tresor_status status, std::string message) {
    throw Failure(status, std::move(message));
}

inline void write_diag(tresor_diag* diag, std::string_view message) noexcept {
    if (diag == nullptr) {
        return;
    }
    const std::size_t n = std::min(message.size(), sizeof(diag->message) - 1);
    message.copy(diag->message, n);
    diag->message[n] = '\0';
}

// The one guard around each ABI entry point: no exception crosses the boundary.
template <typename Body>
tresor_status guarded(tresor_diag* diag, Body&& body) noexcept {
    try {
        return std::forward<Body>(body)();
    } catch (const Failure& failure) {
        write_diag(diag, failure.what());
        return failure.status();
    } catch (const tresor::Error& e) {
        // Engines below a plugin (vault/) speak tresor::Error; its codes are
        // the ABI's status numbers.
        write_diag(diag, e.what());
        return static_cast<tresor_status>(e.code());
    } catch (const std::bad_alloc&) {
        write_diag(diag, "out of memory");
        return TRESOR_INTERNAL;
    } catch (const std::exception& e) {
        write_diag(diag, std::string("internal error: ") + e.what());
        return TRESOR_INTERNAL;
    } catch (...) {
        write_diag(diag, "internal error: unknown exception");
        return TRESOR_INTERNAL;
    }
}

// The backend's config parameters. Every parameter must be taken; whatever is
// left over is an unknown key, reported with the keys this plugin knows.
class Params {
  public:
    Params(const tresor_param* params, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            items_.push_back({params[i].key, params[i].value, false});
        }
    }

    std::optional<std::string> take(std::string_view key) {
        known_.emplace_back(key);
        for (auto& item : items_) {
            if (item.key == key) {
                item.taken = true;
                return std::string(item.value);
            }
        }
        return std::nullopt;
    }

    std::string take_or(std::string_view key, std::string fallback) {
        auto value = take(key);
        return value ? std::move(*value) : std::move(fallback);
    }

    // An integer in [min, max], or the fallback when absent.
    std::uint64_t take_uint(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                            std::uint64_t max) {
        auto text = take(key);
        if (!text) {
            return fallback;
        }
        std::uint64_t value = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "parameter '" + std::string(key) + "' must be an integer from " +
                     std::to_string(min) + " to " + std::to_string(max) + ", not '" + *text + "'");
        }
        return value;
    }

    bool take_bool(std::string_view key, bool fallback) {
        auto text = take(key);
        if (!text) {
            return fallback;
        }
        if (*text == "true") {
            return true;
        }
        if (*text == "false") {
            return false;
        }
        fail(TRESOR_INVALID_ARGUMENT,
             "parameter '" + std::string(key) + "' must be true or false, not '" + *text + "'");
    }

    // Every parameter, each taken: for an engine that judges its own keys
    // (vault::settings_from_params names the ones it knows).
    std::vector<std::pair<std::string, std::string>> take_all() {
        std::vector<std::pair<std::string, std::string>> all;
        all.reserve(items_.size());
        for (auto& item : items_) {
            item.taken = true;
            all.emplace_back(item.key, item.value);
        }
        return all;
    }

    // Call after taking every known key.
    void reject_unknown(std::string_view plugin_name) const {
        for (const auto& item : items_) {
            if (!item.taken) {
                std::string known;
                for (const auto& k : known_) {
                    known += known.empty() ? k : ", " + k;
                }
                fail(TRESOR_INVALID_ARGUMENT, "unknown parameter '" + std::string(item.key) +
                                                  "' for plugin " + std::string(plugin_name) +
                                                  " (known: " + known + ")");
            }
        }
    }

  private:
    struct Item {
        std::string_view key;
        std::string_view value;
        bool taken;
    };
    std::vector<Item> items_;
    std::vector<std::string> known_;
};

}  // namespace tresor::plugin
