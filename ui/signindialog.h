#pragma once

// Azure sign-in (File → Azure sign-in…): which config, which tenant, who is signed in and until when,
// how Opsdeck and each Azure source authenticate, whether secrets persist in the system keychain or are
// kept in memory for this session (and why), and "Sign in with a device code". Shows AzureSession.

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace Opsdeck {

class AzureSession;
class SignInCodeDialog;

class SignInDialog : public QDialog
{
    Q_OBJECT

public:
    // `session` may be null: no Azure config was given.
    explicit SignInDialog(AzureSession *session, QWidget *parent = nullptr);
    ~SignInDialog() override;

    QPushButton *deviceCodeButton() const { return m_deviceCode; }
    QPushButton *checkButton() const { return m_check; }
    SignInCodeDialog *codeDialog() const;
    QString signedInText() const;
    QString secretsText() const;
    QString methodText() const;
    QTreeWidget *sourcesView() const { return m_sourcesView; }

    // Opens the device code dialog (non-modal, so the rest stays readable).
    void startDeviceCodeSignIn();

private:
    void refresh();

    QPointer<AzureSession> m_session;
    QPointer<SignInCodeDialog> m_codeDialog;
    QLabel *m_config = nullptr;
    QLabel *m_tenant = nullptr;
    QLabel *m_authority = nullptr;
    QLabel *m_signedIn = nullptr;
    QLabel *m_expires = nullptr;
    QLabel *m_method = nullptr;
    QLabel *m_secrets = nullptr;
    QTreeWidget *m_sourcesView = nullptr;
    QPushButton *m_deviceCode = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_secret = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace Opsdeck
