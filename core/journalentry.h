#pragma once

// One action as the journal remembers it (DESIGN §8): who did what to which target, what the preview
// promised, how it was confirmed, each step's request and the server's answer, and how it ended. Plain
// values; toJson() is the `opsdeck journal --json` shape (CLI.md), csvRow() one line of the CSV export.

#include "actiontypes.h"
#include "error.h"
#include "kubernetesobjects.h"
#include "servicekey.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUuid>
#include <QVariantMap>

#include <optional>

namespace Opsdeck {

enum class JournalStatus {
    Started, // written before execute; still running (or its process is alive elsewhere)
    Succeeded,
    Failed,
    Refused, // not done on purpose: read-only, forbidden, conflict, precondition
    Interrupted, // was Started when its process ended: read its real state back, then resume or abandon
    Abandoned, // an interrupted action a person chose not to resume
};

QString toString(JournalStatus status);
std::optional<JournalStatus> journalStatusFromString(const QString &text);
// The status for a provider's operation state (Pending and Running are still Started).
JournalStatus journalStatusFor(OperationStatus::State state);

struct JournalEntry
{
    qint64 id = 0;
    QUuid requestId;
    QDateTime startedAt;
    QDateTime updatedAt;
    QDateTime finishedAt; // invalid until the action is final
    QString user; // the context's user (kubeconfig user entry)
    ServiceKey service;
    Track track = Track::Stable;
    QString action;
    QVariantMap parameters;
    QList<ActionChange> preview; // the change shown before confirmation
    QStringList warnings; // shown with the preview
    QString confirmation; // how it was confirmed: "dialog", "typed productservice", "--yes"
    JournalStatus status = JournalStatus::Started;
    QString message; // the last step's message, for people
    int percent = -1;
    QList<ActionStep> steps;
    QList<ActionChange> result; // what was applied
    std::optional<Error> error;

    bool isFinal() const;
    friend bool operator==(const JournalEntry &, const JournalEntry &) = default;
};

// `opsdeck journal --json` (CLI.md): {id, startedAt, finishedAt, user, context, action, target, status,
// request, result, error?}. Abandoned is reported as "failed" with error code "Abandoned" so the documented
// status set stays closed for scripts.
QJsonObject toJson(const JournalEntry &entry);
// {entries: [...]} in the order given (Journal::entries() returns newest first).
QJsonObject journalToJson(const QList<JournalEntry> &entries);

// The CSV export's columns and one entry's cells (CsvWriter does the RFC 4180 quoting).
QStringList journalCsvHeader();
QStringList journalCsvRow(const JournalEntry &entry);

// Helpers shared by the journal's storage and its JSON.
QString toString(ActionStep::State state);
std::optional<ActionStep::State> actionStepStateFromString(const QString &text);
QJsonObject toJson(const ActionChange &change);
QJsonObject toJson(const ActionStep &step);
QJsonObject toJson(const Error &error);
QString toRfc3339(const QDateTime &time); // empty for an invalid time

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::JournalEntry)
