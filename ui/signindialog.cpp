#include "signindialog.h"

#include "signincodedialog.h"

#include "azure/azuresession.h"
#include "azure/secretstore.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
QLabel *valueLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setWordWrap(true);
    label->setAccessibleName(accessibleName);
    return label;
}

QString describe(const Error &error)
{
    return error.hint.isEmpty() ? error.message : error.message + QStringLiteral(" — ") + error.hint;
}
} // namespace

SignInDialog::SignInDialog(AzureSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setWindowTitle(tr("Azure sign-in"));
    setAccessibleName(tr("Azure sign-in"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const auto row = [this, form](const QString &title, QLabel *value) {
        auto *label = new QLabel(title, this);
        label->setAccessibleName(title);
        label->setBuddy(value);
        form->addRow(label, value);
    };
    m_config = valueLabel(tr("Azure config file"), this);
    m_tenant = valueLabel(tr("Tenant"), this);
    m_authority = valueLabel(tr("Authority"), this);
    m_signedIn = valueLabel(tr("Signed in as"), this);
    m_expires = valueLabel(tr("Token valid until"), this);
    m_method = valueLabel(tr("Opsdeck authenticates with"), this);
    m_secrets = valueLabel(tr("Secrets"), this);
    row(tr("Config:"), m_config);
    row(tr("Tenant:"), m_tenant);
    row(tr("Authority:"), m_authority);
    row(tr("Signed in as:"), m_signedIn);
    row(tr("Token valid until:"), m_expires);
    row(tr("Authenticates with:"), m_method);
    row(tr("Secrets:"), m_secrets);
    layout->addLayout(form);

    auto *sourcesTitle = new QLabel(tr("Azure sources:"), this);
    sourcesTitle->setAccessibleName(tr("Azure sources label"));
    layout->addWidget(sourcesTitle);
    m_sourcesView = new QTreeWidget(this);
    m_sourcesView->setAccessibleName(tr("Azure sources and how each authenticates"));
    m_sourcesView->setRootIsDecorated(false);
    m_sourcesView->setHeaderLabels({ tr("Source"), tr("Authenticates with") });
    m_sourcesView->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_sourcesView->setMinimumHeight(90);
    sourcesTitle->setBuddy(m_sourcesView);
    layout->addWidget(m_sourcesView);

    auto *buttons = new QHBoxLayout;
    m_deviceCode = new QPushButton(tr("Sign in with a &device code…"), this);
    m_deviceCode->setAccessibleName(tr("Sign in with a device code"));
    m_check = new QPushButton(tr("Check &again"), this);
    m_check->setAccessibleName(tr("Check the sign-in again"));
    m_secret = new QPushButton(tr("Client &secret…"), this);
    m_secret->setAccessibleName(tr("Enter the service principal's client secret"));
    m_close = new QPushButton(tr("Close"), this);
    m_close->setAccessibleName(tr("Close"));
    buttons->addWidget(m_deviceCode);
    buttons->addWidget(m_check);
    buttons->addWidget(m_secret);
    buttons->addStretch();
    buttons->addWidget(m_close);
    layout->addLayout(buttons);

    connect(m_deviceCode, &QPushButton::clicked, this, &SignInDialog::startDeviceCodeSignIn);
    connect(m_check, &QPushButton::clicked, this, [this] {
        if (m_session)
            m_session->verify();
    });
    connect(m_secret, &QPushButton::clicked, this, [this] {
        if (!m_session)
            return;
        bool ok = false;
        const QString secret
            = QInputDialog::getText(this, tr("Client secret"),
                                    tr("Client secret of service principal %1 (kept in the system keychain):")
                                        .arg(m_session->config().clientId),
                                    QLineEdit::Password, {}, &ok);
        if (ok && !secret.isEmpty())
            m_session->storeClientSecret(secret);
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::accept);
    if (m_session)
        connect(m_session, &AzureSession::changed, this, &SignInDialog::refresh);
    setMinimumWidth(560);
    refresh();
}

SignInDialog::~SignInDialog() = default;

SignInCodeDialog *SignInDialog::codeDialog() const
{
    return m_codeDialog;
}

QString SignInDialog::signedInText() const
{
    return m_signedIn->text();
}

QString SignInDialog::secretsText() const
{
    return m_secrets->text();
}

QString SignInDialog::methodText() const
{
    return m_method->text();
}

void SignInDialog::startDeviceCodeSignIn()
{
    if (!m_session || m_session->state() != AzureSession::State::Ready)
        return;
    if (m_codeDialog)
        m_codeDialog->close();
    DeviceCodeFlow *flow = m_session->startDeviceCodeSignIn();
    m_codeDialog = new SignInCodeDialog(flow, this);
    m_codeDialog->setAttribute(Qt::WA_DeleteOnClose);
    m_codeDialog->show();
}

void SignInDialog::refresh()
{
    const bool ready = m_session && m_session->state() == AzureSession::State::Ready;
    m_deviceCode->setEnabled(ready);
    m_check->setEnabled(ready);
    m_secret->setEnabled(ready && !m_session->config().clientId.isEmpty());
    m_sourcesView->clear();
    if (!m_session || m_session->state() == AzureSession::State::None) {
        m_config->setText(tr("No Azure config: start Opsdeck with --azure-config FILE, or --demo"));
        for (QLabel *label : { m_tenant, m_authority, m_signedIn, m_expires, m_method, m_secrets })
            label->setText(tr("—"));
        return;
    }
    const AzureConfig &config = m_session->config();
    m_config->setText(m_session->configPath().isEmpty() ? tr("(given by the app)") : m_session->configPath());
    if (m_session->state() == AzureSession::State::Failed) {
        m_config->setText(m_session->configPath() + QStringLiteral("\n")
                          + (m_session->error() ? describe(*m_session->error()) : tr("cannot be read")));
    }
    m_tenant->setText(config.tenantId.isEmpty() ? tr("(the Azure CLI's)") : config.tenantId);
    m_authority->setText(config.authorityHost.toString());
    if (m_session->state() == AzureSession::State::Loading) {
        m_signedIn->setText(tr("Checking…"));
    } else if (!m_session->principal().isEmpty()) {
        m_signedIn->setText(m_session->principal());
    } else if (m_session->signInError()) {
        m_signedIn->setText(tr("Not signed in: %1").arg(describe(*m_session->signInError())));
    } else {
        m_signedIn->setText(m_session->state() == AzureSession::State::Ready ? tr("Checking…")
                                                                             : tr("Not signed in"));
    }
    const QDateTime expires = m_session->tokenExpiresOn();
    if (expires.isValid()) {
        const qint64 minutes = QDateTime::currentDateTimeUtc().secsTo(expires) / 60;
        m_expires->setText(tr("%1 (in %n min)", nullptr, int(minutes))
                               .arg(QLocale().toString(expires.toLocalTime(), QLocale::ShortFormat)));
        m_expires->setToolTip(expires.toString(Qt::ISODate));
    } else {
        m_expires->setText(tr("—"));
    }
    m_method->setText(m_session->methodDescription());
    SecretStore *secrets = m_session->secrets();
    m_secrets->setText(secrets->persistent()
                           ? tr("Stored in the system keychain (service \"%1\")").arg(secrets->service())
                           : tr("Kept in memory for this session: %1").arg(secrets->fallbackReason()));
    const QMap<QString, QString> methods = m_session->sourceMethods();
    for (auto it = methods.cbegin(); it != methods.cend(); ++it)
        new QTreeWidgetItem(m_sourcesView, { it.key(), it.value() });
}

} // namespace Opsdeck
