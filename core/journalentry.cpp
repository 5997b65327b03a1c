#include "journalentry.h"

#include "observation.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Opsdeck {

QString toString(JournalStatus status)
{
    switch (status) {
    case JournalStatus::Started:
        return QStringLiteral("started");
    case JournalStatus::Succeeded:
        return QStringLiteral("succeeded");
    case JournalStatus::Failed:
        return QStringLiteral("failed");
    case JournalStatus::Refused:
        return QStringLiteral("refused");
    case JournalStatus::Interrupted:
        return QStringLiteral("interrupted");
    case JournalStatus::Abandoned:
        return QStringLiteral("abandoned");
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<JournalStatus> journalStatusFromString(const QString &text)
{
    for (JournalStatus status :
         { JournalStatus::Started, JournalStatus::Succeeded, JournalStatus::Failed, JournalStatus::Refused,
           JournalStatus::Interrupted, JournalStatus::Abandoned }) {
        if (toString(status) == text)
            return status;
    }
    return std::nullopt;
}

JournalStatus journalStatusFor(OperationStatus::State state)
{
    switch (state) {
    case OperationStatus::State::Pending:
    case OperationStatus::State::Running:
        return JournalStatus::Started;
    case OperationStatus::State::Succeeded:
        return JournalStatus::Succeeded;
    case OperationStatus::State::Failed:
        return JournalStatus::Failed;
    case OperationStatus::State::Refused:
        return JournalStatus::Refused;
    }
    Q_UNREACHABLE();
    return JournalStatus::Failed;
}

bool JournalEntry::isFinal() const
{
    return status != JournalStatus::Started && status != JournalStatus::Interrupted;
}

QString toString(ActionStep::State state)
{
    switch (state) {
    case ActionStep::State::Pending:
        return QStringLiteral("pending");
    case ActionStep::State::Running:
        return QStringLiteral("running");
    case ActionStep::State::Succeeded:
        return QStringLiteral("succeeded");
    case ActionStep::State::Failed:
        return QStringLiteral("failed");
    case ActionStep::State::Skipped:
        return QStringLiteral("skipped");
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<ActionStep::State> actionStepStateFromString(const QString &text)
{
    for (ActionStep::State state :
         { ActionStep::State::Pending, ActionStep::State::Running, ActionStep::State::Succeeded,
           ActionStep::State::Failed, ActionStep::State::Skipped }) {
        if (toString(state) == text)
            return state;
    }
    return std::nullopt;
}

QString toRfc3339(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

static QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(toRfc3339(time)) : QJsonValue(QJsonValue::Null);
}

QJsonObject toJson(const ActionChange &change)
{
    return QJsonObject { { QStringLiteral("kind"), change.kind },
                         { QStringLiteral("name"), change.name },
                         { QStringLiteral("field"), change.field },
                         { QStringLiteral("from"), change.from },
                         { QStringLiteral("to"), change.to } };
}

QJsonObject toJson(const ActionStep &step)
{
    QJsonObject object { { QStringLiteral("title"), step.title },
                         { QStringLiteral("state"), toString(step.state) },
                         { QStringLiteral("destructive"), step.destructive },
                         { QStringLiteral("request"), step.request },
                         { QStringLiteral("startedAt"), timeOrNull(step.started) },
                         { QStringLiteral("finishedAt"), timeOrNull(step.finished) } };
    // The server's answer, only once there is one.
    if (step.httpStatus != 0)
        object.insert(QStringLiteral("httpStatus"), step.httpStatus);
    object.insert(QStringLiteral("response"), step.response);
    return object;
}

QJsonObject toJson(const Error &error)
{
    QJsonObject object { { QStringLiteral("code"), toString(error.kind) },
                         { QStringLiteral("message"), error.message } };
    if (!error.hint.isEmpty())
        object.insert(QStringLiteral("hint"), error.hint);
    return object;
}

template<typename T> static QJsonArray toJsonArray(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(toJson(item));
    return array;
}

QJsonObject toJson(const JournalEntry &entry)
{
    const bool abandoned = entry.status == JournalStatus::Abandoned;
    QJsonObject object {
        { QStringLiteral("id"), entry.id },
        { QStringLiteral("startedAt"), timeOrNull(entry.startedAt) },
        { QStringLiteral("finishedAt"), timeOrNull(entry.finishedAt) },
        { QStringLiteral("user"), entry.user },
        { QStringLiteral("context"), entry.service.context },
        { QStringLiteral("action"), entry.action },
        { QStringLiteral("target"),
          QJsonObject { { QStringLiteral("namespace"), entry.service.ns },
                        { QStringLiteral("service"), entry.service.name },
                        { QStringLiteral("track"), toString(entry.track) } } },
        { QStringLiteral("status"), abandoned ? toString(JournalStatus::Failed) : toString(entry.status) },
        { QStringLiteral("request"),
          QJsonObject { { QStringLiteral("id"), entry.requestId.toString(QUuid::WithoutBraces) },
                        { QStringLiteral("parameters"), QJsonObject::fromVariantMap(entry.parameters) },
                        { QStringLiteral("preview"), toJsonArray(entry.preview) },
                        { QStringLiteral("warnings"), QJsonArray::fromStringList(entry.warnings) },
                        { QStringLiteral("confirmation"), entry.confirmation } } },
        { QStringLiteral("result"),
          QJsonObject { { QStringLiteral("message"), entry.message },
                        { QStringLiteral("percent"), entry.percent },
                        { QStringLiteral("changes"), toJsonArray(entry.result) },
                        { QStringLiteral("steps"), toJsonArray(entry.steps) } } },
    };
    if (entry.error)
        object.insert(QStringLiteral("error"), toJson(*entry.error));
    else if (abandoned)
        object.insert(QStringLiteral("error"),
                      QJsonObject { { QStringLiteral("code"), QStringLiteral("Abandoned") },
                                    { QStringLiteral("message"), entry.message } });
    return object;
}

QJsonObject journalToJson(const QList<JournalEntry> &entries)
{
    return QJsonObject { { QStringLiteral("entries"), toJsonArray(entries) } };
}

QStringList journalCsvHeader()
{
    return { QStringLiteral("id"),         QStringLiteral("startedAt"), QStringLiteral("finishedAt"),
             QStringLiteral("user"),       QStringLiteral("context"),   QStringLiteral("namespace"),
             QStringLiteral("service"),    QStringLiteral("track"),     QStringLiteral("action"),
             QStringLiteral("parameters"), QStringLiteral("preview"),   QStringLiteral("confirmation"),
             QStringLiteral("status"),     QStringLiteral("steps"),     QStringLiteral("message"),
             QStringLiteral("error") };
}

static QString changesText(const QList<ActionChange> &changes)
{
    QStringList lines;
    for (const ActionChange &change : changes)
        lines << QStringLiteral("%1/%2 %3: \"%4\" -> \"%5\"")
                     .arg(change.kind, change.name, change.field, change.from, change.to);
    return lines.join(QLatin1Char('\n'));
}

static QString stepsText(const QList<ActionStep> &steps)
{
    QStringList lines;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const ActionStep &step = steps.at(i);
        QString line = QStringLiteral("%1. %2 [%3]").arg(i + 1).arg(step.title, toString(step.state));
        if (!step.request.isEmpty())
            line += QStringLiteral(" %1").arg(step.request);
        if (step.httpStatus != 0 || !step.response.isEmpty())
            line += QStringLiteral(" => %1 %2").arg(step.httpStatus).arg(step.response);
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

QStringList journalCsvRow(const JournalEntry &entry)
{
    const QString parameters = QString::fromUtf8(
        QJsonDocument(QJsonObject::fromVariantMap(entry.parameters)).toJson(QJsonDocument::Compact));
    return { QString::number(entry.id),
             toRfc3339(entry.startedAt),
             toRfc3339(entry.finishedAt),
             entry.user,
             entry.service.context,
             entry.service.ns,
             entry.service.name,
             toString(entry.track),
             entry.action,
             parameters,
             changesText(entry.preview),
             entry.confirmation,
             toString(entry.status),
             stepsText(entry.steps),
             entry.message,
             entry.error ? toString(*entry.error) : QString() };
}

} // namespace Opsdeck
