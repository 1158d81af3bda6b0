// plugins/secret-service/item_search.hpp — a collection's items found by
// attributes and described, in plain D-Bus calls (dbus_call.hpp): no
// SecretItem proxies, whose construction costs a round trip and signal
// subscriptions each. Every call of a batch is sent before the first answer
// is awaited, so a batch costs about one round trip whatever its size.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plugins/secret-service/glib_support.hpp"
#include "plugins/secret-service/item_rules.hpp"

namespace tresor::secret_service {

// Where the calls go, and what a failure says it was doing.
struct CollectionCalls {
    SecretService* service;
    const std::string& collection_path;
    std::chrono::milliseconds timeout;
    const std::string& doing;
};

class PendingCall;

// The object paths of the items matching any of these attribute sets (one
// Collection.SearchItems each), each path once, in the order found. Sent at
// construction, awaited by take(), so other calls can be sent meanwhile and
// share the round trip.
class PendingSearch {
  public:
    PendingSearch(const CollectionCalls& to, const std::vector<AttributeMap>& queries);
    ~PendingSearch();
    PendingSearch(const PendingSearch&) = delete;
    PendingSearch& operator=(const PendingSearch&) = delete;

    // What the next search not yet taken found that no search taken before
    // it did: a caller can act on the first answer while the others are
    // still on their way.
    std::vector<std::string> take_next();
    // What every search not yet taken found (none found before).
    std::vector<std::string> take();

  private:
    std::vector<std::unique_ptr<PendingCall>> searches_;
    std::size_t taken_ = 0;
    std::set<std::string, std::less<>> seen_;
};

// One item's attributes (a Properties.Get: what chooses a lone item), sent
// at construction. take() gives the item, or nothing when the daemon no
// longer knows it (removed since the search).
class PendingAttributes {
  public:
    PendingAttributes(const CollectionCalls& to, std::string path);
    ~PendingAttributes();
    PendingAttributes(const PendingAttributes&) = delete;
    PendingAttributes& operator=(const PendingAttributes&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }
    std::optional<StoredItem> take();

  private:
    std::string path_;
    std::unique_ptr<PendingCall> get_;
};

// The same, awaited at once.
std::vector<std::string> search_items(const CollectionCalls& to,
                                      const std::vector<AttributeMap>& queries);

// How much of each item to read.
enum class Detail {
    all,
    // Only what picks the item that holds an entry's value (get): of a lone
    // item only its attributes, by one Properties.Get, which costs the
    // daemon less than a GetAll (its times and label choose nothing).
    to_choose,
};

// Each item's attributes, label, times and lock state (one
// Properties.GetAll each). An item the daemon no longer knows (removed since
// the search) is left out.
std::vector<StoredItem> describe_items(const CollectionCalls& to,
                                       const std::vector<std::string>& paths,
                                       Detail detail = Detail::all);

}  // namespace tresor::secret_service
