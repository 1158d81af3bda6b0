// cli/export_format.hpp — the plaintext of `tresor export`, inside its age
// file (docs/INTEGRATIONS.md, "Export and import"): JSON lines, ASCII only.
//
//   {"format":"tresor-export","version":1,"entries":N,"exported_at":"…Z"}
//   one line per entry: what `tresor get --json` prints (metadata, the four
//   times, attributes, "value"), text that is not UTF-8 as base64 with a
//   "<member>_encoding": "base64" sibling
//
// parse_export reads it back for `tresor import --age`. The file came from
// whoever could encrypt to the recipient (an age1… key is public), so it is
// untrusted: every line must be one JSON object with exactly the members
// above, of their types; the header's count must match; a key may appear
// once. It throws only Error{invalid_argument}, naming the line and member,
// never quoting a value. Values live in wiped memory throughout.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/json.hpp"
#include "tresor/store.hpp"

namespace tresor::cli {

// The header line, with its LF.
[[nodiscard]] SecureString export_header(std::size_t entries, Timestamp exported_at);

// An entry as read back: what a backend's set takes. The exported times
// other than expires_at are checked but not kept: the target sets its own.
struct ImportedEntry {
    Key key;
    std::string type;  // as written ("api_key"); the importer maps it
    std::string label;
    std::string description;
    std::optional<Timestamp> expires_at;
    Attributes attributes;
    Secret value;
};

// `what` names the source in messages ("backup.age").
[[nodiscard]] std::vector<ImportedEntry> parse_export(std::span<const std::uint8_t> plaintext,
                                                      const std::string& what);

}  // namespace tresor::cli
