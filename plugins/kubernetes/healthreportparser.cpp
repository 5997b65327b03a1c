#include "healthreportparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

using namespace Opsdeck;

HealthStatus HealthReportParser::statusFrom(const QString &word)
{
    const QString w = word.trimmed();
    if (w.compare(u"Healthy", Qt::CaseInsensitive) == 0)
        return HealthStatus::Healthy;
    if (w.compare(u"Degraded", Qt::CaseInsensitive) == 0)
        return HealthStatus::Degraded;
    if (w.compare(u"Unhealthy", Qt::CaseInsensitive) == 0)
        return HealthStatus::Unhealthy;
    return HealthStatus::Unknown;
}

std::optional<BreakerState::State> HealthReportParser::breakerStateFrom(const QString &word)
{
    QString w = word.trimmed().toLower();
    w.remove(u'-');
    w.remove(u' ');
    w.remove(u'_');
    if (w == u"closed")
        return BreakerState::State::Closed;
    if (w == u"open")
        return BreakerState::State::Open;
    if (w == u"halfopen")
        return BreakerState::State::HalfOpen;
    if (w == u"isolated")
        return BreakerState::State::Isolated;
    return std::nullopt;
}

std::optional<double> HealthReportParser::timeSpanMs(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$)"));
    const auto match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const double days = match.captured(1).isEmpty() ? 0.0 : match.captured(1).toDouble();
    double ms = ((days * 24 + match.captured(2).toDouble()) * 60 + match.captured(3).toDouble()) * 60000
                + match.captured(4).toDouble() * 1000;
    const QString fraction = match.captured(5);
    if (!fraction.isEmpty())
        ms += QStringLiteral("0.%1").arg(fraction).toDouble() * 1000;
    return ms;
}

Result<HealthReportParser::Parsed> HealthReportParser::parse(const QByteArray &body)
{
    Parsed parsed;
    const QByteArray trimmed = body.trimmed();
    if (!trimmed.startsWith('{')) {
        // The default writer: the status word alone.
        parsed.status = statusFrom(QString::fromUtf8(trimmed));
        if (parsed.status == HealthStatus::Unknown)
            return makeError(ErrorKind::Invalid, QStringLiteral("the health endpoint's answer is neither a health "
                                                                "report nor a status word: '%1'")
                                                     .arg(QString::fromUtf8(trimmed.left(80))));
        return parsed;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorKind::Invalid, QStringLiteral("the health report is not valid JSON: %1 at offset %2")
                                                 .arg(error.errorString())
                                                 .arg(error.offset));
    const QJsonObject root = doc.object();
    if (root.value(u"kind").toString() == u"Status")
        return makeError(ErrorKind::Invalid, QStringLiteral("the API server answered instead of the service: %1")
                                                 .arg(root.value(u"message").toString()));
    if (!root.value(u"status").isString())
        return makeError(ErrorKind::Invalid, QStringLiteral("the health report has no status"));
    parsed.status = statusFrom(root.value(u"status").toString());
    const QJsonObject entries = root.value(u"entries").toObject();
    QStringList names = entries.keys();
    std::sort(names.begin(), names.end());
    for (const QString &name : std::as_const(names)) {
        const QJsonObject e = entries.value(name).toObject();
        const QJsonObject data = e.value(u"data").toObject();
        HealthEntry entry;
        entry.name = name;
        entry.status = statusFrom(e.value(u"status").toString());
        entry.description = e.value(u"description").toString();
        entry.circuitState = data.value(u"circuitState").toString();
        entry.durationMs = timeSpanMs(e.value(u"duration").toString()).value_or(0.0);
        parsed.entries.append(entry);

        std::optional<BreakerState::State> state;
        if (!entry.circuitState.isEmpty())
            state = breakerStateFrom(entry.circuitState);
        const bool tagged = e.value(u"tags").toArray().contains(QJsonValue(QStringLiteral("circuit-breaker")));
        static const QRegularExpression described(QStringLiteral(R"(circuit[ -]?breaker is ([a-z -]+?)(?:[;.,]|$))"),
                                                  QRegularExpression::CaseInsensitiveOption);
        if (!state) {
            const auto match = described.match(entry.description);
            if (match.hasMatch())
                state = breakerStateFrom(match.captured(1));
        }
        if (!state && tagged)
            state = entry.status == HealthStatus::Healthy ? BreakerState::State::Closed : BreakerState::State::Open;
        if (!state)
            continue;
        Breaker breaker{name, *state, {}};
        const QString transition = data.value(u"lastTransition").toString();
        if (!transition.isEmpty())
            breaker.lastTransition = QDateTime::fromString(transition, Qt::ISODateWithMs).toUTC();
        parsed.breakers.append(breaker);
    }
    return parsed;
}
