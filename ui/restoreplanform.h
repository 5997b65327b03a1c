#pragma once

// The choosing half of the restore runbook (issue 8): which database of the service, the point in time
// (edited in local time, shown in UTC beside it, checked with RestoreRunbook::validatePoint against the
// database's earliest restore point and now), the new database's name (RestoreRunbook::defaultRestoreName
// until the user types another) and whether to point the service at it. Says what is wrong, in words.

#include "error.h"
#include "observation.h"
#include "servicekey.h"

#include <QVariantMap>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Opsdeck {

class Clock;

class RestorePlanForm : public QWidget
{
    Q_OBJECT

public:
    RestorePlanForm(const ServiceKey &service, const Clock &clock, QWidget *parent = nullptr);
    ~RestorePlanForm() override;

    // The service's databases as last read; keeps the choice when it is still there.
    void setDatabases(const QList<SqlDatabase> &databases);
    QList<SqlDatabase> databases() const { return m_databases; }
    std::optional<SqlDatabase> database() const;
    bool selectDatabase(const QString &name);

    // Local time in the editor; pointInTime() answers in UTC.
    void setPointInTime(const QDateTime &point);
    QDateTime pointInTime() const;
    QString newName() const; // typed, else the default
    QString defaultName() const;
    bool repoint() const;
    void setRepoint(bool repoint);

    // "Now" as the database's server sees it (RestoreRunbook::serverNow: the simulator runs ahead).
    QDateTime serverNow() const;
    // Nothing when the plan may be previewed; else the first problem, for people.
    std::optional<Error> check() const;
    // The restore-db action's parameters: database, pointInTime (ISO 8601 UTC), newName, repoint.
    QVariantMap parameters() const;

    QComboBox *databasePicker() const { return m_database; }
    QLabel *databaseInfo() const { return m_databaseInfo; }
    QDateTimeEdit *pointEdit() const { return m_point; }
    QLabel *pointUtcLabel() const { return m_pointUtc; }
    QLabel *rangeLabel() const { return m_range; }
    QLabel *problemLabel() const { return m_problem; }
    QLineEdit *nameEdit() const { return m_name; }
    QCheckBox *repointBox() const { return m_repoint; }
    QPushButton *earliestButton() const { return m_earliest; }
    QPushButton *nowButton() const { return m_now; }

Q_SIGNALS:
    // Any input changed: a preview made before no longer matches.
    void changed();

private:
    void onDatabaseChanged();
    void update();

    ServiceKey m_service;
    const Clock &m_clock;
    QList<SqlDatabase> m_databases;
    bool m_nameTyped = false; // the user typed a name of their own: stop following the default
    QVariantMap m_lastParameters; // as last announced by changed()
    QString m_lastProblem;

    QComboBox *m_database = nullptr;
    QLabel *m_databaseInfo = nullptr;
    QDateTimeEdit *m_point = nullptr;
    QPushButton *m_earliest = nullptr;
    QPushButton *m_now = nullptr;
    QLabel *m_pointUtc = nullptr;
    QLabel *m_range = nullptr;
    QLineEdit *m_name = nullptr;
    QCheckBox *m_repoint = nullptr;
    QLabel *m_problemIcon = nullptr;
    QLabel *m_problem = nullptr;
};

} // namespace Opsdeck
