#include "notificationpolicy.h"

#include <QSettings>

#include <algorithm>

namespace Opsdeck {

namespace {

const QString Enabled = QStringLiteral("notifications/enabled");
const QString MinimumSeverity = QStringLiteral("notifications/minimumSeverity");
const QString QuietStart = QStringLiteral("notifications/quietStart");
const QString QuietEnd = QStringLiteral("notifications/quietEnd");
const QString TimeFormat = QStringLiteral("HH:mm");

QString capitalized(const QString &text)
{
    return text.isEmpty() ? text : text.at(0).toUpper() + text.mid(1);
}

} // namespace

std::optional<Alert::Severity> severityFromString(const QString &text)
{
    for (Alert::Severity s : { Alert::Severity::Info, Alert::Severity::Warning, Alert::Severity::Critical }) {
        if (text.trimmed().compare(toString(s), Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

NotificationSettings NotificationSettings::load(const QSettings &settings)
{
    NotificationSettings s;
    const QVariant enabled = settings.value(Enabled);
    if (enabled.isValid()) {
        const QString text = enabled.toString().trimmed().toLower();
        if (text == QLatin1String("false") || text == QLatin1String("0") || text == QLatin1String("off"))
            s.enabled = false;
        else if (text == QLatin1String("true") || text == QLatin1String("1") || text == QLatin1String("on"))
            s.enabled = true;
    }
    if (const auto severity = severityFromString(settings.value(MinimumSeverity).toString()))
        s.minimumSeverity = *severity;
    s.quietStart = QTime::fromString(settings.value(QuietStart).toString().trimmed(), TimeFormat);
    s.quietEnd = QTime::fromString(settings.value(QuietEnd).toString().trimmed(), TimeFormat);
    return s;
}

void NotificationSettings::save(QSettings &settings) const
{
    settings.setValue(Enabled, enabled);
    settings.setValue(MinimumSeverity, toString(minimumSeverity));
    settings.setValue(QuietStart, quietStart.isValid() ? quietStart.toString(TimeFormat) : QString());
    settings.setValue(QuietEnd, quietEnd.isValid() ? quietEnd.toString(TimeFormat) : QString());
}

NotificationPolicy::NotificationPolicy(const Clock &clock)
    : m_clock(clock)
{ }

bool NotificationPolicy::isQuietNow() const
{
    if (!m_settings.hasQuietHours())
        return false;
    const QTime now = m_clock.wallNow().toTimeZone(m_zone).time();
    const QTime &start = m_settings.quietStart;
    const QTime &end = m_settings.quietEnd;
    // [start, end): "22:00"–"07:00" wraps midnight.
    if (start < end)
        return now >= start && now < end;
    return now >= start || now < end;
}

bool NotificationPolicy::shouldNotify(const Alert &alert) const
{
    return m_settings.enabled && alert.isActive() && alert.acknowledgedBy.isEmpty()
        && alert.severity >= m_settings.minimumSeverity && !isQuietNow();
}

std::optional<NotificationPolicy::Notification>
NotificationPolicy::notificationFor(const QList<Alert> &raised) const
{
    QList<Alert> chosen;
    for (const Alert &a : raised) {
        if (shouldNotify(a))
            chosen << a;
    }
    if (chosen.isEmpty())
        return std::nullopt;
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const Alert &a, const Alert &b) { return a.severity > b.severity; });
    const Alert &first = chosen.constFirst();
    Notification n;
    n.severity = first.severity;
    for (const Alert &a : std::as_const(chosen))
        n.alertIds << a.id;
    const QString where = first.service.name.isEmpty() ? QStringLiteral("estate") : first.service.name;
    if (chosen.size() == 1) {
        n.title = QStringLiteral("%1: %2 — %3").arg(capitalized(toString(first.severity)), first.rule, where);
        n.body = first.summary;
        return n;
    }
    n.title
        = QStringLiteral("%1: %2 new alerts").arg(capitalized(toString(first.severity))).arg(chosen.size());
    QStringList lines;
    constexpr int Shown = 3;
    for (qsizetype i = 0; i < chosen.size() && i < Shown; ++i)
        lines << chosen.at(i).summary;
    if (chosen.size() > Shown)
        lines << QStringLiteral("… and %1 more").arg(chosen.size() - Shown);
    n.body = lines.join(QLatin1Char('\n'));
    return n;
}

} // namespace Opsdeck
