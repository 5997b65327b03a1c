#include "watchstream.h"

#include <algorithm>

namespace sim {

namespace {

std::pair<std::string, std::string> keyOf(const Json &object)
{
    const Json &meta = object["metadata"];
    return {meta.value("namespace", std::string()), meta.value("name", std::string())};
}

} // namespace

WatchStream::WatchStream(const ObjectStore &store, WatchOptions options)
    : m_store(store)
    , m_options(std::move(options))
    , m_type(store.type(m_options.typeId))
{
    m_nextBookmark = std::chrono::steady_clock::now() + m_options.bookmarkInterval;
}

bool WatchStream::selected(const Json &object) const
{
    if (m_options.labels && !m_options.labels->matches(object["metadata"].value("labels", Json())))
        return false;
    if (m_options.fields && !m_options.fields->matches(object))
        return false;
    return true;
}

std::string WatchStream::line(const std::string &type, const StoredPtr &object)
{
    if (!m_options.table)
        return "{\"type\":\"" + type + "\",\"object\":" + object->text() + "}\n";
    Json rows = Json::array({m_options.table->row(m_options.typeId, object->object(), m_options.include)});
    Json meta = {{"resourceVersion", object->object()["metadata"].value("resourceVersion", std::string())}};
    // Like the API server: column definitions with the first event only.
    const Json table = m_options.table->table(m_options.typeId, m_options.tableApiVersion, std::move(rows),
                                              std::move(meta), m_firstTable);
    m_firstTable = false;
    return "{\"type\":\"" + type + "\",\"object\":" + table.dump(-1, ' ', false, Json::error_handler_t::replace) + "}\n";
}

std::string WatchStream::errorLine(std::uint64_t since, std::uint64_t oldest) const
{
    const Json status = {{"kind", "Status"},
                         {"apiVersion", "v1"},
                         {"metadata", Json::object()},
                         {"status", "Failure"},
                         {"message", "too old resource version: " + std::to_string(since) + " (" + std::to_string(oldest) + ")"},
                         {"reason", "Expired"},
                         {"code", 410}};
    return Json{{"type", "ERROR"}, {"object", status}}.dump() + "\n";
}

std::string WatchStream::bookmarkLine() const
{
    const Json object = {{"kind", m_type ? m_type->kind : std::string()},
                         {"apiVersion", m_type ? m_type->apiVersion() : std::string()},
                         {"metadata", {{"resourceVersion", std::to_string(m_seen)}, {"creationTimestamp", nullptr}}}};
    return Json{{"type", "BOOKMARK"}, {"object", object}}.dump() + "\n";
}

WatchStream::Step WatchStream::pump(const std::function<bool(const std::string &)> &write)
{
    const bool filtered = m_options.labels || m_options.fields;
    if (!m_started) {
        m_started = true;
        if (m_options.sendInitialEvents) {
            const auto items = m_store.snapshot(m_options.typeId, m_options.ns, &m_seen);
            std::string batch;
            for (const auto &item : items) {
                if (filtered) {
                    if (!selected(item->object()))
                        continue;
                    m_matching.insert(keyOf(item->object()));
                }
                batch += line("ADDED", item);
                if (batch.size() > 256 * 1024) {
                    if (!write(batch))
                        return Step::Failed;
                    batch.clear();
                }
            }
            if (!batch.empty() && !write(batch))
                return Step::Failed;
            return Step::Continue;
        }
        m_seen = m_options.since;
        if (filtered) {
            // Resuming: what matched at `since` is unknown; treat current matches as known so a later
            // change out of the selection still yields DELETED.
            for (const auto &item : m_store.snapshot(m_options.typeId, m_options.ns)) {
                if (selected(item->object()))
                    m_matching.insert(keyOf(item->object()));
            }
        }
    }

    std::uint64_t current = 0;
    const auto events = m_store.eventsSinceShared(m_options.typeId, m_options.ns, m_seen, current);
    if (!events) {
        write(errorLine(m_seen, m_store.oldestResumable(m_options.typeId)));
        return Step::Done;
    }
    if (!events->empty()) {
        std::string batch;
        for (const auto &event : *events) {
            std::string type = event.type;
            if (filtered) {
                const auto key = keyOf(event.object->object());
                const bool was = m_matching.count(key) > 0;
                const bool is = event.type != "DELETED" && selected(event.object->object());
                if (is && !was) {
                    type = "ADDED";
                    m_matching.insert(key);
                } else if (!is && was) {
                    type = "DELETED";
                    m_matching.erase(key);
                } else if (!is) {
                    continue;
                }
            }
            batch += line(type, event.object);
            if (batch.size() > 256 * 1024) {
                if (!write(batch))
                    return Step::Failed;
                batch.clear();
            }
        }
        m_seen = std::max(m_seen, events->back().resourceVersion);
        if (!batch.empty() && !write(batch))
            return Step::Failed;
    }
    // Every change of this type up to `current` is handled, so a bookmark may name it.
    m_seen = std::max(m_seen, current);

    const auto now = std::chrono::steady_clock::now();
    if (now >= m_options.deadline || m_store.isShutDown())
        return Step::Done;
    if (m_options.bookmarks && !m_options.table && now >= m_nextBookmark) {
        m_nextBookmark = now + m_options.bookmarkInterval;
        if (!write(bookmarkLine()))
            return Step::Failed;
    }
    if (!events->empty())
        return Step::Continue;
    // Wake at least twice a second so server shutdown and timeouts are noticed promptly.
    auto wake = std::min(m_options.deadline, now + std::chrono::milliseconds(500));
    if (m_options.bookmarks)
        wake = std::min(wake, m_nextBookmark);
    m_store.waitForChange(m_seen, wake);
    return Step::Continue;
}

} // namespace sim
