#pragma once

// A Deployment's rollout history as `kubectl rollout history` knows it (issue 6: "with the revision
// history shown"): revision, change-cause, image, age — newest first, the current revision marked. Fed
// with the maps a provider's `revisionHistoryReady` signal carries (revision, changeCause, image,
// created, replicas, current); it only shows them.

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QVariantList>

namespace Opsdeck {

class RevisionHistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { RevisionColumn, ChangeCauseColumn, ImageColumn, AgeColumn, ColumnCount };
    enum Role { RevisionRole = Qt::UserRole + 1 };

    explicit RevisionHistoryModel(QObject *parent = nullptr);

    void setHistory(const QVariantList &revisions, const QDateTime &now = QDateTime::currentDateTimeUtc());
    void clear();
    int revisionAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Revision
    {
        int revision = 0;
        QString changeCause;
        QString image;
        QDateTime created;
        bool current = false;
    };

    QList<Revision> m_rows;
    QDateTime m_now;
};

} // namespace Opsdeck
