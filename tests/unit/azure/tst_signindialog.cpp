// The sign-in area offscreen, against a real opsdeck-sim: the session's check (who, tenant, how, whether
// secrets persist), then a device code sign-in through the dialog — code and URL shown as plain text,
// Copy, the countdown, approval through the sim's hook — and Cancel. Every widget has an accessible
// name. Screenshots go to $OPSDECK_SCREENSHOT_DIR when set (docs/azure-signin*.png).

#include "azuresim.h"

#include "azure/azuresession.h"
#include "azure/secretstore.h"
#include "signincodedialog.h"
#include "signindialog.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>

using namespace Opsdeck;

class tst_SignInDialog : public QObject
{
    Q_OBJECT

private:
    AzureSim m_sim;

    static void checkAccessibleNames(QWidget *root)
    {
        QVERIFY(!root->accessibleName().isEmpty());
        for (QWidget *w : root->findChildren<QWidget *>()) {
            const bool readOrOperated = qobject_cast<QLabel *>(w) || qobject_cast<QPushButton *>(w)
                || qobject_cast<QTreeWidget *>(w);
            if (!w->isVisibleTo(root) || !readOrOperated)
                continue;
            QVERIFY2(!w->accessibleName().isEmpty(),
                     qPrintable(QStringLiteral("%1 without an accessible name")
                                    .arg(QString::fromLatin1(w->metaObject()->className()))));
        }
    }

    static void save(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_sim.start()); }

    void noConfig()
    {
        SignInDialog dialog(nullptr);
        dialog.show();
        QVERIFY(!dialog.deviceCodeButton()->isEnabled());
        checkAccessibleNames(&dialog);
    }

    void signInWithADeviceCode()
    {
        SecretStore secrets(nullptr, QStringLiteral("opsdeck-test"));
        AzureSession session(nullptr, &secrets);
        QSignalSpy ready(&session, &AzureSession::ready);
        QSignalSpy credentialChanged(&session, &AzureSession::credentialChanged);
        session.load(m_sim.configPath);
        QCOMPARE(ready.size(), 1); // the sim's file holds its secret: nothing to wait for
        session.setSourceMethod(QStringLiteral("appinsights"), session.methodDescription());

        SignInDialog dialog(&session);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // The session's own check: the service principal, in the sim's tenant.
        QTRY_COMPARE_WITH_TIMEOUT(dialog.signedInText(), QStringLiteral("app %1").arg(m_sim.config.clientId),
                                  20000);
        QVERIFY(dialog.methodText().contains(u"client secret"));
        QVERIFY(dialog.methodText().contains(m_sim.config.clientId));
        QCOMPARE(dialog.sourcesView()->topLevelItemCount(), 1);
        QCOMPARE(dialog.sourcesView()->topLevelItem(0)->text(0), QStringLiteral("appinsights"));
        const bool keyring = qgetenv("OPSDECK_EXPECT_KEYRING") == "1";
        // Nothing was stored yet: whether the keychain works shows once it is used (below).
        checkAccessibleNames(&dialog);
        save(&dialog, QStringLiteral("azure-signin.png"));

        QVERIFY(dialog.deviceCodeButton()->isEnabled());
        QTest::mouseClick(dialog.deviceCodeButton(), Qt::LeftButton);
        SignInCodeDialog *code = dialog.codeDialog();
        QVERIFY(code);
        QVERIFY(code->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!code->userCode().isEmpty(), 20000);
        QVERIFY(code->statusText().contains(u"Waiting"));
        const QList<QLabel *> labels = code->findChildren<QLabel *>();
        const auto page = std::find_if(labels.cbegin(), labels.cend(),
                                       [](QLabel *l) { return l->accessibleName() == u"Sign-in page"; });
        QVERIFY(page != labels.cend());
        QVERIFY((*page)->text().endsWith(u"/devicelogin"));
        QCOMPARE((*page)->textFormat(), Qt::PlainText);
        const auto countdown = std::find_if(labels.cbegin(), labels.cend(), [](QLabel *l) {
            return l->accessibleName() == u"Code expires in";
        });
        QVERIFY(countdown != labels.cend());
        QVERIFY2((*countdown)->text().startsWith(u"14:") || (*countdown)->text() == u"15:00",
                 qPrintable((*countdown)->text()));
        checkAccessibleNames(code);

        QVERIFY(code->copyButton()->isEnabled());
        QTest::mouseClick(code->copyButton(), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), code->userCode());
        save(code, QStringLiteral("azure-signin-devicecode.png"));

        QCOMPARE(m_sim.approve(code->userCode()), 200);
        QTRY_VERIFY_WITH_TIMEOUT(code->statusText().contains(u"Signed in as sre@opsdeck.demo"), 20000);
        QCOMPARE(code->cancelButton()->text(), QStringLiteral("Close"));
        QCOMPARE(credentialChanged.size(), 1);
        QCOMPARE(session.config().credential, QStringLiteral("refreshToken"));
        QTRY_COMPARE(dialog.signedInText(), QStringLiteral("sre@opsdeck.demo"));
        QVERIFY(dialog.methodText().contains(u"device code"));
        QVERIFY(dialog.sourcesView()->topLevelItem(0)->text(1).contains(u"device code"));
        // The refresh token went to the keychain — or, without one, memory, and the dialog says why.
        QTRY_COMPARE_WITH_TIMEOUT(secrets.persistent(), keyring, 20000);
        QTRY_VERIFY(keyring ? dialog.secretsText().startsWith(u"Stored in the system keychain")
                            : dialog.secretsText().startsWith(u"Kept in memory for this session: "));
        std::optional<Result<QString>> stored;
        secrets.read(SecretStore::azureKey(session.config().tenantId, session.config().clientId,
                                           QStringLiteral("refreshToken")),
                     this, [&stored](Result<QString> r) { stored = r; });
        QTRY_VERIFY_WITH_TIMEOUT(stored.has_value(), 20000);
        QVERIFY(stored->has_value());
        QCOMPARE(**stored, session.config().refreshToken);
        save(&dialog, QStringLiteral("azure-signin-signedin.png"));

        // "Check again" redeems the refresh token: still the user.
        QTest::mouseClick(dialog.checkButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.signedInText(), QStringLiteral("sre@opsdeck.demo"), 20000);
        QTest::qWait(200);
        QCOMPARE(dialog.signedInText(), QStringLiteral("sre@opsdeck.demo"));
    }

    void cancelStopsTheSignIn()
    {
        AzureSession session;
        session.load(m_sim.configPath);
        SignInDialog dialog(&session);
        dialog.show();
        dialog.startDeviceCodeSignIn();
        QPointer<SignInCodeDialog> code = dialog.codeDialog();
        QVERIFY(code);
        QTRY_VERIFY_WITH_TIMEOUT(!code->userCode().isEmpty(), 20000);
        const QString userCode = code->userCode();
        QTest::mouseClick(code->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY(!code); // closed and deleted
        // The code is still pending at the sim, but nobody polls for it any more: approving it changes
        // nothing here.
        QCOMPARE(m_sim.approve(userCode), 200);
        QTest::qWait(6000);
        QCOMPARE(session.config().credential, QStringLiteral("clientSecret"));
    }

    void countdownFormat()
    {
        QCOMPARE(SignInCodeDialog::formatRemaining(900), QStringLiteral("15:00"));
        QCOMPARE(SignInCodeDialog::formatRemaining(61), QStringLiteral("1:01"));
        QCOMPARE(SignInCodeDialog::formatRemaining(-3), QStringLiteral("0:00"));
    }
};

QTEST_MAIN(tst_SignInDialog)
#include "tst_signindialog.moc"
