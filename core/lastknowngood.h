#pragma once

// The last good value per key, with when it was good: what a source falls back to while its endpoint
// fails, shown with its age ("stale, 3 min", DESIGN §5). Ages come from the injected Clock.

#include "clock.h"

#include <QDateTime>
#include <QHash>

#include <chrono>
#include <optional>

namespace Opsdeck {

template<typename Key, typename Value> class LastKnownGood
{
public:
    struct Entry
    {
        Value value;
        Clock::TimePoint at; // for ages
        QDateTime wallTime; // for people ("as of 12:03")
    };

    explicit LastKnownGood(const Clock &clock = Clock::system())
        : m_clock(&clock)
    { }

    void store(const Key &key, Value value)
    {
        m_entries.insert(key, Entry { std::move(value), m_clock->now(), m_clock->wallNow() });
    }
    const Entry *find(const Key &key) const
    {
        const auto it = m_entries.constFind(key);
        return it == m_entries.constEnd() ? nullptr : &it.value();
    }
    // How old the key's value is; nullopt when there never was one.
    std::optional<std::chrono::milliseconds> age(const Key &key) const
    {
        const Entry *entry = find(key);
        if (!entry)
            return std::nullopt;
        return std::chrono::duration_cast<std::chrono::milliseconds>(m_clock->now() - entry->at);
    }
    void remove(const Key &key) { m_entries.remove(key); }
    void clear() { m_entries.clear(); }
    qsizetype size() const { return m_entries.size(); }

private:
    const Clock *m_clock;
    QHash<Key, Entry> m_entries;
};

} // namespace Opsdeck
