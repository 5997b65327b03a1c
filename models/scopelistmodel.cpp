#include "scopelistmodel.h"

#include "servicestore.h"

namespace Opsdeck {

ScopeListModel::ScopeListModel(ServiceStore *store, Scope scope, QObject *parent)
    : QAbstractListModel(parent)
    , m_store(store)
    , m_scope(scope)
{
    connect(store, &ServiceStore::contextsChanged, this, &ScopeListModel::refresh);
    refresh();
}

void ScopeListModel::setContext(const QString &context)
{
    if (context == m_context)
        return;
    m_context = context;
    refresh();
}

int ScopeListModel::rowOf(const QString &value) const
{
    if (value.isEmpty())
        return 0;
    const qsizetype i = m_values.indexOf(value);
    return i < 0 ? -1 : int(i) + 1;
}

void ScopeListModel::refresh()
{
    const QStringList next = m_scope == Scope::Contexts ? m_store->contexts() : m_store->namespaces(m_context);
    // Both lists are sorted: walk them together, removing and inserting one value at a time.
    int i = 0;
    for (const QString &value : next) {
        while (i < m_values.size() && m_values[i] < value) {
            beginRemoveRows({}, i + 1, i + 1);
            m_values.removeAt(i);
            endRemoveRows();
        }
        if (i < m_values.size() && m_values[i] == value) {
            ++i;
            continue;
        }
        beginInsertRows({}, i + 1, i + 1);
        m_values.insert(i, value);
        endInsertRows();
        ++i;
    }
    if (i < m_values.size()) {
        beginRemoveRows({}, i + 1, int(m_values.size()));
        m_values.remove(i, m_values.size() - i);
        endRemoveRows();
    }
}

int ScopeListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_values.size()) + 1;
}

QVariant ScopeListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString value = index.row() == 0 ? QString() : m_values.at(index.row() - 1);
    switch (role) {
    case Qt::DisplayRole:
        if (!value.isEmpty())
            return value;
        return m_scope == Scope::Contexts ? tr("All contexts") : tr("All namespaces");
    case ScopeRole:
        return value;
    default:
        return {};
    }
}

} // namespace Opsdeck
