// Parsing and validation of the TOML config. Every error names the file, the
// line and column, and the key path, so a person can go straight to it.
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <sstream>

#include "conf/config.hpp"
#include "conf/text_bounds.hpp"
#include "platform/file.hpp"
#include "tresor/error.hpp"

namespace tresor::conf {
namespace {

constexpr std::array kTopLevelKeys = {"chain",   "default_service", "plugin_path",
                                      "backend", "routes",          "systemd_credentials"};

class Parser {
  public:
    Parser(std::string_view source, std::filesystem::path base_dir)
        : source_(source), base_dir_(std::move(base_dir)) {}

    Config parse(std::string_view text) {
        toml::table root;
        try {
            root = toml::parse(text, source_);
        } catch (const toml::parse_error& e) {
            fail(e.source(), std::string(e.description()));
        }
        Config config;
        config.source = source_;
        check_keys(root, "", {kTopLevelKeys.begin(), kTopLevelKeys.end()});
        if (const toml::node* backends = root.get("backend")) {
            read_backends(*backends, config);
        }
        // toml++ keeps a table's keys sorted; the chain's default order and
        // "first route wins" need the order of the file.
        std::stable_sort(config.backends.begin(), config.backends.end(),
                         [](const BackendConfig& a, const BackendConfig& b) {
                             return std::tie(a.location.line, a.location.column) <
                                    std::tie(b.location.line, b.location.column);
                         });
        read_chain(root, config);
        if (const toml::node* node = root.get("default_service")) {
            config.default_service = expect_string(*node, "default_service");
            if (config.default_service.empty()) {
                fail(node->source(), "default_service: must not be empty");
            }
        }
        if (const toml::node* node = root.get("plugin_path")) {
            read_plugin_path(*node, config);
        }
        if (const toml::node* node = root.get("routes")) {
            read_routes(*node, config);
        }
        if (const toml::node* node = root.get("systemd_credentials")) {
            read_systemd_credentials(*node, config);
        }
        return config;
    }

  private:
    [[noreturn]] void fail(const toml::source_region& where, const std::string& message) const {
        Location location{source_, static_cast<int>(where.begin.line),
                          static_cast<int>(where.begin.column)};
        throw Error(ErrorCode::config, location.str() + ": " + message);
    }

    static std::string type_name(const toml::node& node) {
        switch (node.type()) {
            case toml::node_type::table:
                return "a table";
            case toml::node_type::array:
                return "an array";
            case toml::node_type::string:
                return "a string";
            case toml::node_type::integer:
                return "an integer";
            case toml::node_type::floating_point:
                return "a number";
            case toml::node_type::boolean:
                return "a boolean";
            default:
                return "a date or time";
        }
    }

    std::string expect_string(const toml::node& node, const std::string& path) const {
        if (!node.is_string()) {
            fail(node.source(), path + ": expected a string, found " + type_name(node));
        }
        return *node.value<std::string>();
    }

    const toml::table& expect_table(const toml::node& node, const std::string& path) const {
        if (!node.is_table()) {
            fail(node.source(), path + ": expected a table, found " + type_name(node));
        }
        return *node.as_table();
    }

    std::vector<std::string> expect_string_list(const toml::node& node,
                                                const std::string& path) const {
        if (node.is_string()) {
            return {*node.value<std::string>()};
        }
        if (!node.is_array()) {
            fail(node.source(), path + ": expected an array of strings, found " + type_name(node));
        }
        std::vector<std::string> out;
        for (const toml::node& item : *node.as_array()) {
            out.push_back(expect_string(item, path + "[" + std::to_string(out.size()) + "]"));
        }
        return out;
    }

    void check_keys(const toml::table& table, const std::string& prefix,
                    const std::vector<std::string>& allowed) const {
        for (auto&& [key, value] : table) {
            const std::string name(key.str());
            if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
                continue;
            }
            std::string message =
                (prefix.empty() ? "" : prefix + ": ") + "unknown key '" + name + "'";
            if (auto hint = closest_match(name, allowed)) {
                message += " (did you mean '" + *hint + "'?)";
            }
            fail(key.source(), message);
        }
    }

    void read_backends(const toml::node& node, Config& config) const {
        for (auto&& [key, value] : expect_table(node, "backend")) {
            BackendConfig backend;
            backend.name = std::string(key.str());
            const std::string path = "backend." + backend.name;
            const toml::table& table = expect_table(value, path);
            backend.location = {source_, static_cast<int>(key.source().begin.line),
                                static_cast<int>(key.source().begin.column)};
            const toml::node* plugin = table.get("plugin");
            if (plugin == nullptr) {
                fail(value.source(), path + ": missing key 'plugin' (which plugin serves it)");
            }
            backend.plugin = expect_string(*plugin, path + ".plugin");
            flatten(table, "", path, backend.params);
            config.backends.push_back(std::move(backend));
        }
    }

    // Turns nested tables into dotted keys and every scalar into a string.
    void flatten(const toml::table& table, const std::string& prefix, const std::string& path,
                 std::vector<std::pair<std::string, std::string>>& out) const {
        for (auto&& [key, value] : table) {
            const std::string name = prefix + std::string(key.str());
            if (prefix.empty() && name == "plugin") {
                continue;
            }
            if (value.is_table()) {
                flatten(*value.as_table(), name + ".", path, out);
            } else if (value.is_string()) {
                out.emplace_back(name, *value.value<std::string>());
            } else if (value.is_integer()) {
                out.emplace_back(name, std::to_string(*value.value<std::int64_t>()));
            } else if (value.is_boolean()) {
                out.emplace_back(name, *value.value<bool>() ? "true" : "false");
            } else if (value.is_floating_point()) {
                std::ostringstream text;
                text << *value.value<double>();
                out.emplace_back(name, text.str());
            } else {
                fail(value.source(), path + "." + name + ": expected a string, number or " +
                                         "boolean, found " + type_name(value));
            }
        }
    }

    void read_chain(const toml::table& root, Config& config) const {
        const toml::node* node = root.get("chain");
        if (node == nullptr) {
            for (const auto& backend : config.backends) {
                config.chain.push_back(backend.name);
            }
            if (config.chain.empty()) {
                throw Error(ErrorCode::config,
                            source_ + ": no backend configured (add [backend.NAME] and chain)");
            }
            return;
        }
        config.chain = expect_string_list(*node, "chain");
        if (config.chain.empty()) {
            fail(node->source(), "chain: must name at least one backend");
        }
        // chain may be one string rather than an array (found by fuzz/config).
        const toml::array* items = node->as_array();
        for (std::size_t i = 0; i < config.chain.size(); ++i) {
            check_backend_defined(config, config.chain[i],
                                  items != nullptr ? (*items)[i].source() : node->source(),
                                  items != nullptr ? "chain[" + std::to_string(i) + "]" : "chain");
        }
    }

    void check_backend_defined(const Config& config, const std::string& name,
                               const toml::source_region& where, const std::string& path) const {
        if (config.find_backend(name) != nullptr) {
            return;
        }
        std::vector<std::string> defined;
        for (const auto& backend : config.backends) {
            defined.push_back(backend.name);
        }
        std::string message = path + ": backend '" + name + "' is not defined";
        if (auto hint = closest_match(name, defined)) {
            message += " (did you mean '" + *hint + "'?)";
        } else {
            message += "; add a [backend." + name + "] table";
        }
        fail(where, message);
    }

    void read_plugin_path(const toml::node& node, Config& config) const {
        for (const std::string& dir : expect_string_list(node, "plugin_path")) {
            std::filesystem::path path(dir);
            config.plugin_path.push_back(path.is_absolute() ? path : base_dir_ / path);
        }
    }

    void read_routes(const toml::node& node, Config& config) const {
        std::vector<std::pair<toml::source_position, Route>> routes;
        for (auto&& [key, value] : expect_table(node, "routes")) {
            Route route{std::string(key.str()),
                        expect_string(value, "routes." + std::string(key.str()))};
            check_backend_defined(config, route.backend, value.source(),
                                  "routes.\"" + route.service_glob + "\"");
            routes.emplace_back(key.source().begin, std::move(route));
        }
        std::stable_sort(routes.begin(), routes.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [position, route] : routes) {
            config.routes.push_back(std::move(route));
        }
    }

    void read_systemd_credentials(const toml::node& node, Config& config) const {
        for (auto&& [unit, ids] : expect_table(node, "systemd_credentials")) {
            const std::string path = "systemd_credentials.\"" + std::string(unit.str()) + "\"";
            for (auto&& [id, entry] : expect_table(ids, path)) {
                const std::string entry_path = path + "." + std::string(id.str());
                config.systemd_credentials.push_back(
                    {std::string(unit.str()),
                     std::string(id.str()),
                     expect_string(entry, entry_path + " (\"SERVICE/NAME\")"),
                     {source_, static_cast<int>(entry.source().begin.line),
                      static_cast<int>(entry.source().begin.column)}});
            }
        }
        std::stable_sort(config.systemd_credentials.begin(), config.systemd_credentials.end(),
                         [](const CredentialGrant& a, const CredentialGrant& b) {
                             return std::tie(a.location.line, a.location.column) <
                                    std::tie(b.location.line, b.location.column);
                         });
    }

    std::string source_;
    std::filesystem::path base_dir_;
};

}  // namespace

std::string Location::str() const {
    if (line == 0) {
        return file;
    }
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const BackendConfig* Config::find_backend(std::string_view name) const {
    for (const auto& backend : backends) {
        if (backend.name == name) {
            return &backend;
        }
    }
    return nullptr;
}

Config parse_config(std::string_view toml_text, std::string_view source_name,
                    const std::filesystem::path& base_dir) {
    check_text_bounds(toml_text, source_name);
    return Parser(source_name, base_dir).parse(toml_text);
}

Config load_config_file(const std::filesystem::path& path) {
    std::string text;
    try {
        // A config chooses which code runs (plugins) and where secrets go:
        // one that another user could write is theirs, not ours. It may be
        // a symlink (dotfile managers make them); its target is checked.
        const platform::FileDescriptor fd = platform::open_trusted_file(
            path,
            {.what = "config file", .follow_final_symlink = true, .max_bytes = kMaxConfigBytes});
        platform::read_bounded(fd.get(), kMaxConfigBytes, "config file " + path.string(),
                               [&text](auto chunk) { text.append(chunk.begin(), chunk.end()); });
    } catch (const Error& e) {
        // Config errors start with the file, as parse errors do.
        throw Error(ErrorCode::config, path.string() + ": " + e.what());
    }
    return parse_config(text, path.string(), path.parent_path());
}

}  // namespace tresor::conf
