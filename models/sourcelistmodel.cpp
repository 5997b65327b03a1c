#include "sourcelistmodel.h"

namespace Opsdeck {

SourceListModel::SourceListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void SourceListModel::setPlugins(const QList<PluginInfo> &plugins, const QList<Error> &loadErrors)
{
    beginResetModel();
    m_plugins = plugins;
    m_errors = loadErrors;
    endResetModel();
}

void SourceListModel::setSourceStatus(const QString &pluginId, const SourceStatus &status)
{
    for (int row = 0; row < m_plugins.size(); ++row) {
        if (m_plugins.at(row).id != pluginId)
            continue;
        m_status.insert(pluginId, status);
        const QModelIndex changed = index(row);
        Q_EMIT dataChanged(changed, changed);
        return;
    }
}

int SourceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_plugins.size() + m_errors.size());
}

QString SourceListModel::stateOf(int pluginRow) const
{
    const auto it = m_status.constFind(m_plugins.at(pluginRow).id);
    return it == m_status.cend() ? QStringLiteral("Loaded") : toString(it->state);
}

QVariant SourceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (row >= m_plugins.size()) {
        const Error &error = m_errors.at(row - m_plugins.size());
        switch (role) {
        case Qt::DisplayRole:
            return QStringLiteral("Plugin failed to load: %1").arg(error.message);
        case Qt::ToolTipRole:
            return toString(error);
        case KindRole:
            return QStringLiteral("error");
        case StateRole:
            return QStringLiteral("Error");
        case ErrorRole:
            return error.message;
        default:
            return {};
        }
    }

    const PluginInfo &plugin = m_plugins.at(row);
    const auto status = m_status.constFind(plugin.id);
    const bool hasStatus = status != m_status.cend();
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 %2 — %3").arg(plugin.name, plugin.version, stateOf(row));
    case Qt::ToolTipRole: {
        QString tip = plugin.description.isEmpty() ? plugin.name : plugin.description;
        tip += QLatin1Char('\n') + plugin.fileName;
        if (hasStatus && status->error)
            tip += QLatin1Char('\n') + toString(*status->error);
        return tip;
    }
    case IdRole:
        return plugin.id;
    case NameRole:
        return plugin.name;
    case VersionRole:
        return plugin.version;
    case FileRole:
        return plugin.fileName;
    case KindRole:
        return QStringLiteral("plugin");
    case StateRole:
        return stateOf(row);
    case ErrorRole:
        return hasStatus && status->error ? status->error->message : QString();
    case ObservationsRole:
        return plugin.observations;
    case ActionsRole:
        return plugin.actions;
    case LastSuccessRole:
        return hasStatus ? QVariant(status->lastSuccess) : QVariant();
    default:
        return {};
    }
}

QHash<int, QByteArray> SourceListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "pluginId");
    names.insert(NameRole, "name");
    names.insert(VersionRole, "version");
    names.insert(FileRole, "fileName");
    names.insert(KindRole, "kind");
    names.insert(StateRole, "state");
    names.insert(ErrorRole, "error");
    names.insert(ObservationsRole, "observations");
    names.insert(ActionsRole, "actions");
    names.insert(LastSuccessRole, "lastSuccess");
    return names;
}

} // namespace Opsdeck
