#pragma once

// The items of the context or namespace picker: "All contexts"/"All namespaces" first (ScopeRole empty),
// then the store's contexts or namespaces in name order. Follows the store with row insertions and
// removals. The namespace list can be limited to one context.

#include <QAbstractListModel>
#include <QStringList>

namespace Opsdeck {

class ServiceStore;

class ScopeListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum class Scope {
        Contexts,
        Namespaces,
    };

    enum Role {
        ScopeRole = Qt::UserRole + 1, // the context or namespace name; empty for "All"
    };
    Q_ENUM(Role)

    ScopeListModel(ServiceStore *store, Scope scope, QObject *parent = nullptr);

    void setContext(const QString &context); // for Namespaces: only those of this context
    int rowOf(const QString &value) const;   // -1 when absent; 0 for ""

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    void refresh();

    ServiceStore *m_store;
    Scope m_scope;
    QString m_context;
    QStringList m_values; // sorted, without the "All" row
};

} // namespace Opsdeck
