#pragma once

// The `restore-db` request as the runbook reads it (ActionRequest.parameters: `database`, `pointInTime`,
// `newName`, `repoint`), and the rules both the runbook and the UI check before anything is asked of Azure:
// the default name, the restore window, the name rules, the server's "now", the steps a preview lists.
// Pure values; RestoreRunbook forwards its statics here.

#include "actiontypes.h"
#include "error.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariantMap>

namespace Opsdeck {

struct RestorePlan
{
    QString database;
    QDateTime pointInTime; // UTC
    QString newName; // never empty after read()
    bool repoint = false;

    // Error{Invalid} naming the parameter that is missing or wrong.
    static Result<RestorePlan> read(const QVariantMap &parameters);

    // `<db>-restored-<yyyyMMddHHmm>` of the point in UTC.
    static QString defaultRestoreName(const QString &db, const QDateTime &point);
    // Error{Invalid} unless earliest <= point <= now (an invalid earliest: the database has no backups yet).
    static Result<void> validatePoint(const QDateTime &point, const QDateTime &earliest,
                                      const QDateTime &now);
    // ISO 8601 with or without fraction and zone (none = UTC) → UTC.
    static Result<QDateTime> parsePoint(const QString &text);
    // ARM's database name rules: 1–128 characters, none of <>*%&:\/?, no trailing dot or space.
    static Result<void> validateName(const QString &name);
    // The server's "now" when its clock may run ahead of ours (the simulator at --speed): the database's
    // earliestRestoreDate plus the retention, when the retention (not the creation) bounds the window and
    // that lies ahead of `wallNow`; else `wallNow`.
    static QDateTime serverNow(const QDateTime &earliest, const QDateTime &created, const QDateTime &wallNow,
                               int retentionDays);
    // The steps, in order, as a preview lists them.
    static QList<ActionStep> plannedSteps(const RestorePlan &parameters, const QString &service);
};

} // namespace Opsdeck
