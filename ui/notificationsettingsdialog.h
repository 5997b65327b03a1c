#pragma once

// Settings → Notifications… (issue 9 §2): desktop notifications on or off, the minimum severity, and
// quiet hours. Edits a NotificationSettings; the caller saves it (TrayIndicator::setNotificationSettings).

#include "notificationpolicy.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QTimeEdit;

namespace Opsdeck {

class NotificationSettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit NotificationSettingsDialog(const NotificationSettings &settings, QWidget *parent = nullptr);

    NotificationSettings settings() const;

    QCheckBox *enabledBox() const { return m_enabled; }
    QComboBox *severityPicker() const { return m_severity; }
    QCheckBox *quietBox() const { return m_quiet; }
    QTimeEdit *quietStartEdit() const { return m_start; }
    QTimeEdit *quietEndEdit() const { return m_end; }

private:
    void updateEnabled();

    QCheckBox *m_enabled;
    QComboBox *m_severity;
    QCheckBox *m_quiet;
    QTimeEdit *m_start;
    QTimeEdit *m_end;
    QLabel *m_note;
};

} // namespace Opsdeck
