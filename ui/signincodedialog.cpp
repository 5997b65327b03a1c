#include "signincodedialog.h"

#include <QClipboard>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
QLabel *plainLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // server-supplied text is never rich text (DESIGN §8)
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setWordWrap(true);
    label->setAccessibleName(accessibleName);
    return label;
}
} // namespace

SignInCodeDialog::SignInCodeDialog(DeviceCodeFlow *flow, QWidget *parent)
    : QDialog(parent)
    , m_flow(flow)
{
    setWindowTitle(tr("Sign in with a device code"));
    setAccessibleName(tr("Sign in with a device code"));

    auto *layout = new QVBoxLayout(this);
    auto *intro = plainLabel(tr("Instructions"), this);
    intro->setText(
        tr("Open the page below in a browser on any device and enter the code. Opsdeck signs you in "
           "as soon as you have done so."));
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_url = plainLabel(tr("Sign-in page"), this);
    m_code = plainLabel(tr("Code to enter"), this);
    QFont codeFont = m_code->font();
    codeFont.setPointSizeF(codeFont.pointSizeF() * 1.6);
    codeFont.setBold(true);
    codeFont.setStyleHint(QFont::Monospace);
    codeFont.setFamily(QStringLiteral("monospace"));
    m_code->setFont(codeFont);
    m_countdown = plainLabel(tr("Code expires in"), this);
    auto *urlTitle = new QLabel(tr("Page:"), this);
    urlTitle->setAccessibleName(tr("Page label"));
    urlTitle->setBuddy(m_url);
    auto *codeTitle = new QLabel(tr("Code:"), this);
    codeTitle->setAccessibleName(tr("Code label"));
    codeTitle->setBuddy(m_code);
    auto *expiresTitle = new QLabel(tr("Expires in:"), this);
    expiresTitle->setAccessibleName(tr("Expires in label"));
    form->addRow(urlTitle, m_url);
    form->addRow(codeTitle, m_code);
    form->addRow(expiresTitle, m_countdown);
    layout->addLayout(form);

    m_message = plainLabel(tr("Message from Entra ID"), this);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_message);
    m_status = plainLabel(tr("Sign-in status"), this);
    layout->addWidget(m_status);

    auto *buttons = new QHBoxLayout;
    m_copy = new QPushButton(tr("&Copy code"), this);
    m_copy->setAccessibleName(tr("Copy code"));
    m_copy->setAccessibleDescription(tr("Copies the code to the clipboard"));
    m_copy->setEnabled(false);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setAccessibleName(tr("Cancel sign-in"));
    buttons->addWidget(m_copy);
    buttons->addStretch();
    buttons->addWidget(m_cancel);
    layout->addLayout(buttons);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_code->text());
        setStatus(tr("Code copied. Waiting for you to sign in…"));
    });
    connect(m_cancel, &QPushButton::clicked, this, &SignInCodeDialog::reject);

    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &SignInCodeDialog::updateCountdown);

    setStatus(tr("Asking Entra ID for a code…"));
    if (m_flow) {
        connect(m_flow, &DeviceCodeFlow::codeReady, this, &SignInCodeDialog::onCodeReady);
        connect(m_flow, &DeviceCodeFlow::signedIn, this, &SignInCodeDialog::onSignedIn);
        connect(m_flow, &DeviceCodeFlow::failed, this, &SignInCodeDialog::onFailed);
        connect(m_flow, &DeviceCodeFlow::intervalChanged, this, [this](int seconds) {
            setStatus(tr("Waiting for you to sign in… (checking every %1 s)").arg(seconds));
        });
    } else {
        onFailed(Error { ErrorKind::Config, tr("no sign-in is running"), {}, std::nullopt });
    }
    setMinimumWidth(460);
}

SignInCodeDialog::~SignInCodeDialog() = default;

QString SignInCodeDialog::userCode() const
{
    return m_code->text();
}

QString SignInCodeDialog::statusText() const
{
    return m_status->text();
}

QString SignInCodeDialog::formatRemaining(qint64 seconds)
{
    seconds = std::max<qint64>(seconds, 0);
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

void SignInCodeDialog::onCodeReady(const DeviceCodeFlow::Prompt &prompt)
{
    m_url->setText(prompt.verificationUri.toString());
    m_code->setText(prompt.userCode);
    m_message->setText(prompt.message);
    m_expiresOn = prompt.expiresOn;
    m_copy->setEnabled(true);
    setStatus(tr("Waiting for you to sign in…"));
    updateCountdown();
    m_tick->start();
}

void SignInCodeDialog::onSignedIn(const DeviceCodeFlow::SignIn &result)
{
    setStatus(tr("Signed in as %1 to tenant %2.")
                  .arg(result.principal.isEmpty() ? tr("(unknown)") : result.principal, result.tenantId));
    finished();
}

void SignInCodeDialog::onFailed(const Error &error)
{
    setStatus(
        tr("Sign-in failed: %1")
            .arg(error.hint.isEmpty() ? error.message : error.message + QStringLiteral(" — ") + error.hint));
    finished();
}

void SignInCodeDialog::updateCountdown()
{
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(m_expiresOn);
    m_countdown->setText(left > 0 ? formatRemaining(left) : tr("expired"));
    m_countdown->setAccessibleDescription(tr("%n second(s) left", nullptr, int(std::max<qint64>(left, 0))));
}

void SignInCodeDialog::setStatus(const QString &text)
{
    m_status->setText(text);
}

void SignInCodeDialog::finished()
{
    m_done = true;
    m_tick->stop();
    m_copy->setEnabled(false);
    m_cancel->setText(tr("Close"));
    m_cancel->setAccessibleName(tr("Close"));
    m_cancel->setDefault(true);
}

void SignInCodeDialog::reject()
{
    if (!m_done && m_flow)
        m_flow->cancel();
    m_tick->stop();
    QDialog::reject();
}

} // namespace Opsdeck
