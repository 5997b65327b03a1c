#pragma once

// What the Services table shows: the filter box's text (service name or namespace, case-insensitive,
// all words must match), the context and namespace pickers, and "only unhealthy". Sorts by the
// source's SortRole so numbers sort as numbers.

#include <QSortFilterProxyModel>

namespace Opsdeck {

class ServiceFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ServiceFilterProxyModel(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    QString filterText() const { return m_words.join(QLatin1Char(' ')); }
    void setContextFilter(const QString &context); // empty: all
    QString contextFilter() const { return m_context; }
    void setNamespaceFilter(const QString &ns);    // empty: all
    QString namespaceFilter() const { return m_namespace; }
    void setOnlyProblems(bool only);               // Degraded, Unhealthy, Stale
    bool onlyProblems() const { return m_onlyProblems; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QStringList m_words;
    QString m_context;
    QString m_namespace;
    bool m_onlyProblems = false;
};

} // namespace Opsdeck
