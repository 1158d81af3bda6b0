// cli/entry_json.hpp — an entry's metadata as the CLI prints it in JSON
// (`tresor get --json`, `tresor ls --json`) and `tresor export` writes it
// (cli/export_format.hpp reads it back): service, name, type, label,
// description, id, backend, the four times (ISO 8601 or null), then
// attributes. Never a value: callers add "value" themselves.
#pragma once

#include "cli/json.hpp"
#include "tresor/store.hpp"

namespace tresor::cli {

[[nodiscard]] Json entry_json(const Entry& e);

}  // namespace tresor::cli
