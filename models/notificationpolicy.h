#pragma once

// Whether a newly raised alert becomes a desktop notification now (issue 9 §2), apart from the tray that
// shows it: notifications on or off, a minimum severity, and quiet hours in local time (a range that may
// wrap midnight, "22:00"–"07:00"). Settings in QSettings under "notifications/". No GUI here: the tray
// indicator asks, tests step a FakeClock through the quiet hours.

#include "alert.h"
#include "clock.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QTime>
#include <QTimeZone>

#include <optional>

class QSettings;

namespace Opsdeck {

struct NotificationSettings
{
    bool enabled = true;
    Alert::Severity minimumSeverity
        = Alert::Severity::Warning; // critical and warning notify; info never by default
    QTime quietStart; // both valid and different: no notification from quietStart until quietEnd
    QTime quietEnd;

    bool hasQuietHours() const
    {
        return quietStart.isValid() && quietEnd.isValid() && quietStart != quietEnd;
    }

    // Keys notifications/enabled (bool), notifications/minimumSeverity ("critical" | "warning" | "info"),
    // notifications/quietStart and notifications/quietEnd ("HH:mm"; empty: none). Unreadable values keep
    // defaults.
    static NotificationSettings load(const QSettings &settings);
    void save(QSettings &settings) const;
    friend bool operator==(const NotificationSettings &, const NotificationSettings &) = default;
};

class NotificationPolicy
{
public:
    struct Notification
    {
        QString title; // "Critical: breaker-open — productservice"
        QString body; // the summary (plain text), or the first summaries and "… and N more"
        Alert::Severity severity = Alert::Severity::Warning; // the worst of them
        QStringList alertIds;
    };

    explicit NotificationPolicy(const Clock &clock = Clock::system());

    NotificationSettings settings() const { return m_settings; }
    void setSettings(const NotificationSettings &settings) { m_settings = settings; }
    // Quiet hours are read in this zone (default: the system's).
    void setTimeZone(const QTimeZone &zone) { m_zone = zone; }

    bool isQuietNow() const;
    // A new alert that is active, not acknowledged, severe enough, while notifications are on and not quiet.
    bool shouldNotify(const Alert &alert) const;
    // One notification for the alerts raised together (an evaluation can raise several); nullopt when
    // none of them should notify.
    std::optional<Notification> notificationFor(const QList<Alert> &raised) const;

private:
    const Clock &m_clock;
    NotificationSettings m_settings;
    QTimeZone m_zone = QTimeZone::systemTimeZone();
};

// "critical" | "warning" | "info" → severity; nullopt for anything else.
std::optional<Alert::Severity> severityFromString(const QString &text);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::NotificationPolicy::Notification)
