#include "servicefilterproxymodel.h"

#include "health.h"
#include "servicetablemodel.h"

#include <QDateTime>

namespace Opsdeck {

ServiceFilterProxyModel::ServiceFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ServiceTableModel::SortRole);
    setDynamicSortFilter(true);
}

void ServiceFilterProxyModel::setFilterText(const QString &text)
{
    const QStringList words = text.simplified().toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    invalidateRowsFilter();
}

void ServiceFilterProxyModel::setContextFilter(const QString &context)
{
    if (context == m_context)
        return;
    m_context = context;
    invalidateRowsFilter();
}

void ServiceFilterProxyModel::setNamespaceFilter(const QString &ns)
{
    if (ns == m_namespace)
        return;
    m_namespace = ns;
    invalidateRowsFilter();
}

void ServiceFilterProxyModel::setOnlyProblems(bool only)
{
    if (only == m_onlyProblems)
        return;
    m_onlyProblems = only;
    invalidateRowsFilter();
}

bool ServiceFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString context = index.data(ServiceTableModel::ContextRole).toString();
    const QString ns = index.data(ServiceTableModel::NamespaceRole).toString();
    if (!m_context.isEmpty() && context != m_context)
        return false;
    if (!m_namespace.isEmpty() && ns != m_namespace)
        return false;
    if (m_onlyProblems) {
        const auto health = index.data(ServiceTableModel::HealthRole).value<Health>();
        if (health == Health::Healthy || health == Health::Unknown)
            return false;
    }
    if (m_words.isEmpty())
        return true;
    const QString haystack = (index.data(ServiceTableModel::NameRole).toString() + QLatin1Char(' ') + ns + QLatin1Char(' ') + context).toLower();
    for (const QString &word : m_words) {
        if (!haystack.contains(word))
            return false;
    }
    return true;
}

bool ServiceFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    if (a.userType() == QMetaType::QString && b.userType() == QMetaType::QString)
        return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
    const QPartialOrdering order = QVariant::compare(a, b);
    if (order == QPartialOrdering::Less)
        return true;
    if (order == QPartialOrdering::Greater)
        return false;
    // Ties: by name, so the order is stable and predictable.
    return QString::localeAwareCompare(left.siblingAtColumn(0).data(ServiceTableModel::NameRole).toString(),
                                       right.siblingAtColumn(0).data(ServiceTableModel::NameRole).toString()) < 0;
}

} // namespace Opsdeck
