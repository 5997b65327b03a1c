#pragma once

// The device code sign-in as a person sees it: the page to open and the code to enter (plain text,
// selectable), a Copy button, the countdown to the code's expiry, what is happening (waiting, signed in,
// failed) and Cancel. It drives a DeviceCodeFlow that AzureSession started; it never talks to the network.

#include "azure/devicecodeflow.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QTimer;

namespace Opsdeck {

class SignInCodeDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SignInCodeDialog(DeviceCodeFlow *flow, QWidget *parent = nullptr);
    ~SignInCodeDialog() override;

    QString userCode() const;
    QString statusText() const;
    QPushButton *copyButton() const { return m_copy; }
    QPushButton *cancelButton() const { return m_cancel; }

    // "14:32": the time left, for the countdown.
    static QString formatRemaining(qint64 seconds);

protected:
    void reject() override; // Esc and Cancel stop the flow

private:
    void onCodeReady(const DeviceCodeFlow::Prompt &prompt);
    void onSignedIn(const DeviceCodeFlow::SignIn &result);
    void onFailed(const Error &error);
    void updateCountdown();
    void setStatus(const QString &text);
    void finished(); // Cancel becomes Close

    QPointer<DeviceCodeFlow> m_flow;
    QDateTime m_expiresOn;
    bool m_done = false;
    QLabel *m_url = nullptr;
    QLabel *m_code = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_countdown = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_cancel = nullptr;
    QTimer *m_tick = nullptr;
};

} // namespace Opsdeck
