#pragma once

// The Sources panel's list: every loaded plugin with its running source's state, then every plugin
// that failed to load with the loader's error. Exposes meaning through roles; ui/ picks icons/words.

#include "error.h"
#include "pluginloader.h"
#include "sourcestatus.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>

#include <optional>

namespace Opsdeck {

class SourceListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1, // plugin id; empty for a load error
        NameRole,
        VersionRole,
        FileRole,
        KindRole,                  // "plugin" | "error"
        StateRole,                 // "Loaded" | "Connecting" | "Ok" | "Degraded" | "Down" | "Error"
        ErrorRole,                 // message of the load error or the source's latest error
        ObservationsRole,          // QStringList
        ActionsRole,               // QStringList
        LastSuccessRole,           // QDateTime
    };
    Q_ENUM(Role)

    explicit SourceListModel(QObject *parent = nullptr);

    // Replaces all rows (a new scan). Known source states are kept by plugin id.
    void setPlugins(const QList<PluginInfo> &plugins, const QList<Error> &loadErrors);
    // The state of the source made from plugin `pluginId`; unknown ids are ignored.
    void setSourceStatus(const QString &pluginId, const SourceStatus &status);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int pluginCount() const { return static_cast<int>(m_plugins.size()); }
    int errorCount() const { return static_cast<int>(m_errors.size()); }

private:
    QString stateOf(int pluginRow) const;

    QList<PluginInfo> m_plugins;
    QList<Error> m_errors;
    QHash<QString, SourceStatus> m_status; // by plugin id
};

} // namespace Opsdeck
