#pragma once

// One WATCH response (API-CONTRACTS §1): initial ADDED events when asked, then the store's history
// from a resourceVersion, filtered by selectors (an object leaving the selection is DELETED, one
// entering it ADDED), BOOKMARKs on a timer, an ERROR 410 event for too old a resourceVersion, and a
// normal end at timeoutSeconds. Lines are JSON objects separated by '\n'.

#include "fieldselector.h"
#include "labelselector.h"
#include "objectstore.h"
#include "tableconverter.h"

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace sim {

struct WatchOptions
{
    std::string typeId;
    std::string ns;
    std::optional<LabelSelector> labels;
    std::optional<FieldSelector> fields;
    bool sendInitialEvents = true; // no resourceVersion, or "0"
    std::uint64_t since = 0;      // when !sendInitialEvents
    bool bookmarks = false;
    std::chrono::steady_clock::duration bookmarkInterval = std::chrono::seconds(30);
    std::chrono::steady_clock::time_point deadline;
    const TableConverter *table = nullptr; // non-null: every object becomes a one-row Table
    TableConverter::Include include = TableConverter::Include::Metadata;
    std::string tableApiVersion = "meta.k8s.io/v1";
};

class WatchStream
{
public:
    WatchStream(const ObjectStore &store, WatchOptions options);

    enum class Step { Continue, Done, Failed };
    // Writes what is ready, or waits a short while for news. `write` returns false when the client is
    // gone; the stream then reports Failed.
    Step pump(const std::function<bool(const std::string &)> &write);

private:
    bool selected(const Json &object) const;
    std::string line(const std::string &type, const StoredPtr &object);
    std::string errorLine(std::uint64_t since, std::uint64_t oldest) const;
    std::string bookmarkLine() const;

    const ObjectStore &m_store;
    WatchOptions m_options;
    const ResourceType *m_type = nullptr;
    bool m_started = false;
    std::uint64_t m_seen = 0; // every event of this type up to here has been handled
    std::set<std::pair<std::string, std::string>> m_matching; // for selector watches
    bool m_firstTable = true;
    std::chrono::steady_clock::time_point m_nextBookmark;
};

} // namespace sim
