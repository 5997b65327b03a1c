#pragma once

// The last CostSnapshot per scope in SQLite (Qt SQL), so the source shows the last figures at start,
// marked with their age, before the first network answer (DESIGN §9). One connection per cache object,
// on the thread that made it (the source's worker thread).

#include "costsnapshot.h"

#include <QString>

#include <optional>

class CostCache
{
public:
    // `path` empty: no cache (every call is a no-op).
    explicit CostCache(QString path);
    ~CostCache();
    CostCache(const CostCache &) = delete;
    CostCache &operator=(const CostCache &) = delete;

    // Opens (and creates) the file; the error says which file and why.
    Opsdeck::Result<void> open();
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }

    // The entry for (scope, period); nullopt when there is none or it cannot be read.
    std::optional<CostSnapshot> load(const QString &scope, const QString &period);
    Opsdeck::Result<void> store(const CostSnapshot &snapshot, const QString &period);

    // <cache location>/costmanagement.sqlite
    static QString defaultPath();

private:
    QString m_path;
    QString m_connection;
    bool m_open = false;
};
