#pragma once

// `opsdeck --snapshot`'s document (docs/snapshot-format.md): the store's services per context plus the
// sources' states. Stable key names and order; times RFC 3339 UTC (CLI.md).

#include "sourcestatus.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck {

class ServiceStore;

struct SourceRecord
{
    QString name; // the source id (one per context: "kubernetes:<context>")
    QString kind; // the plugin id: "kubernetes"
    SourceStatus status;
};

class SnapshotWriter
{
public:
    // `contexts` lists contexts to include even when they have no services (yet).
    static QJsonObject toJson(const ServiceStore &store, const QStringList &contexts, const QList<SourceRecord> &sources,
                              const QDateTime &generatedAt);
    // "Ok" | "Degraded" | "Down" — a source still connecting has delivered nothing: Down.
    static QString stateWord(SourceStatus::State state);
};

} // namespace Opsdeck
