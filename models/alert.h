#pragma once

// One alert of the war room (issue 9): a rule that holds for a service (or the estate), from `since` until
// `ended`. AlertEngine raises, de-duplicates by id, ends and acknowledges them; the timeline, the tray and
// `opsdeck alerts` only read them.

#include "servicekey.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace Opsdeck {

struct Alert
{
    enum class Severity {
        Info,
        Warning,
        Critical,
    };

    QString id;   // stable: rule + ":" + context/ns/service (+ ":" + detail)
    QString rule; // kebab-case ids of CLI.md ("breaker-open", "source-down", …)
    ServiceKey service; // empty for estate-wide (source-down)
    Severity severity = Severity::Warning;
    QDateTime since;
    QDateTime ended; // invalid while active
    QString summary; // plain text
    QString acknowledgedBy;
    QDateTime acknowledgedAt;

    bool isActive() const { return !ended.isValid(); }

    friend bool operator==(const Alert &, const Alert &) = default;
};

// "critical" | "warning" | "info" (CLI.md's spelling).
QString toString(Alert::Severity severity);

// CLI.md's alert object: {id, rule, service, context, namespace, severity, since, summary, acknowledgedBy?}
// (service null for estate-wide alerts; ended and acknowledgedAt when set).
QJsonObject toJson(const Alert &alert);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::Alert)
