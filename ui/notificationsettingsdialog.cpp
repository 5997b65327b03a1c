#include "notificationsettingsdialog.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSystemTrayIcon>
#include <QTimeEdit>
#include <QVBoxLayout>

namespace Opsdeck {

NotificationSettingsDialog::NotificationSettingsDialog(const NotificationSettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_enabled(new QCheckBox(tr("Show a desktop &notification for new alerts"), this))
    , m_severity(new QComboBox(this))
    , m_quiet(new QCheckBox(tr("&Quiet hours"), this))
    , m_start(new QTimeEdit(this))
    , m_end(new QTimeEdit(this))
    , m_note(new QLabel(this))
{
    setWindowTitle(tr("Notifications"));
    setAccessibleName(tr("Notification settings"));

    m_enabled->setChecked(settings.enabled);
    m_enabled->setAccessibleName(tr("Show desktop notifications for new alerts"));

    m_severity->addItem(tr("Critical only"), int(Alert::Severity::Critical));
    m_severity->addItem(tr("Warning and critical"), int(Alert::Severity::Warning));
    m_severity->addItem(tr("Every alert (also info)"), int(Alert::Severity::Info));
    m_severity->setCurrentIndex(qMax(0, m_severity->findData(int(settings.minimumSeverity))));
    m_severity->setAccessibleName(tr("Minimum severity to notify"));
    m_severity->view()->setAccessibleName(tr("Severities"));

    m_quiet->setChecked(settings.hasQuietHours());
    m_quiet->setAccessibleName(tr("Quiet hours: no notifications between the two times"));
    for (QTimeEdit *edit : { m_start, m_end })
        edit->setDisplayFormat(QStringLiteral("HH:mm"));
    m_start->setTime(settings.hasQuietHours() ? settings.quietStart : QTime(22, 0));
    m_end->setTime(settings.hasQuietHours() ? settings.quietEnd : QTime(7, 0));
    m_start->setAccessibleName(tr("Quiet hours start (local time)"));
    m_end->setAccessibleName(tr("Quiet hours end (local time)"));

    m_note->setTextFormat(Qt::PlainText);
    m_note->setWordWrap(true);
    m_note->setText(QSystemTrayIcon::isSystemTrayAvailable()
                        ? tr("The tray icon always shows the worst active alert; these settings decide only "
                             "the pop-up notifications.")
                        : tr("This desktop has no system tray: notifications cannot be shown here. The "
                             "settings are kept for when it has one."));
    m_note->setAccessibleName(tr("About notifications"));

    auto *range = new QHBoxLayout;
    auto *from = new QLabel(tr("&From"), this);
    from->setBuddy(m_start);
    auto *until = new QLabel(tr("&until"), this);
    until->setBuddy(m_end);
    range->addWidget(from);
    range->addWidget(m_start);
    range->addWidget(until);
    range->addWidget(m_end);
    range->addStretch(1);

    auto *form = new QFormLayout;
    form->addRow(m_enabled);
    auto *severityLabel = new QLabel(tr("&Severity:"), this);
    severityLabel->setBuddy(m_severity);
    form->addRow(severityLabel, m_severity);
    form->addRow(m_quiet);
    form->addRow(range);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_note);
    layout->addWidget(buttons);

    connect(m_enabled, &QCheckBox::toggled, this, &NotificationSettingsDialog::updateEnabled);
    connect(m_quiet, &QCheckBox::toggled, this, &NotificationSettingsDialog::updateEnabled);
    updateEnabled();
}

void NotificationSettingsDialog::updateEnabled()
{
    const bool on = m_enabled->isChecked();
    m_severity->setEnabled(on);
    m_quiet->setEnabled(on);
    m_start->setEnabled(on && m_quiet->isChecked());
    m_end->setEnabled(on && m_quiet->isChecked());
}

NotificationSettings NotificationSettingsDialog::settings() const
{
    NotificationSettings s;
    s.enabled = m_enabled->isChecked();
    s.minimumSeverity = Alert::Severity(m_severity->currentData().toInt());
    if (m_quiet->isChecked() && m_start->time() != m_end->time()) {
        s.quietStart = m_start->time();
        s.quietEnd = m_end->time();
    }
    return s;
}

} // namespace Opsdeck
