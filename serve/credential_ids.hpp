// serve/credential_ids.hpp — the ids the API shows for credentials, and an
// index from them to keys, so a request by id is a point lookup of the
// store, not a scan of it.
//
// A vault's record id is 16 random bytes: shown as an RFC 9562 version 4
// UUID (seed 002 shows ids so), its version and variant bits set as the RFC
// asks of random ids; an id as the API gave it before version 4 (the record
// id's own bits) is still found. Other backends' ids are passed through.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tresor/store.hpp"

namespace tresor::serve {

[[nodiscard]] std::string public_id(const std::string& id);

// Every entry but the session tokens'.
[[nodiscard]] std::vector<Entry> visible_entries(Store& store);

// Public ids (both forms, lowercase) → keys, learnt from a listing. A hit is
// confirmed by the entry's own id, so a credential removed or replaced since
// is missed, never mistaken; a miss lists the store once and learns every
// id in it (credentials written by another process, too). Thread-safe.
class IdIndex {
  public:
    // The visible entry with this public id (UUIDs in any case), as `store`
    // describes it.
    [[nodiscard]] std::optional<Entry> find(Store& store, std::string_view id);

  private:
    std::mutex mutex_;
    std::map<std::string, Key, std::less<>> keys_;
};

}  // namespace tresor::serve
