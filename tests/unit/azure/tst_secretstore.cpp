// SecretStore under a real gnome-keyring (OPSDECK_EXPECT_KEYRING=1, see with-keyring.sh) and with no
// secret service at all (=0): the same operations, persistent in the first case, in memory with a
// reason in the second.

#include "azure/secretstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;

class tst_SecretStore : public QObject
{
    Q_OBJECT

private:
    bool m_expectKeyring = false;
    const QString m_key = SecretStore::azureKey(QStringLiteral("tenant-1"), QStringLiteral("client-1"),
                                                QStringLiteral("clientSecret"));

    Result<QString> readSync(SecretStore &store, const QString &key)
    {
        std::optional<Result<QString>> result;
        store.read(key, this, [&result](Result<QString> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
            return makeError(ErrorKind::Timeout, QStringLiteral("no answer"));
        return *result;
    }
    Result<> writeSync(SecretStore &store, const QString &key, const QString &value)
    {
        std::optional<Result<>> result;
        store.write(key, value, this, [&result](Result<> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
            return makeError(ErrorKind::Timeout, QStringLiteral("no answer"));
        return *result;
    }
    Result<> removeSync(SecretStore &store, const QString &key)
    {
        std::optional<Result<>> result;
        store.remove(key, this, [&result](Result<> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
            return makeError(ErrorKind::Timeout, QStringLiteral("no answer"));
        return *result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QByteArray expect = qgetenv("OPSDECK_EXPECT_KEYRING");
        QVERIFY2(expect == "1" || expect == "0", "run me through with-keyring.sh");
        m_expectKeyring = expect == "1";
    }

    void keys()
    {
        QCOMPARE(
            SecretStore::azureKey(QStringLiteral("t"), QStringLiteral("c"), QStringLiteral("refreshToken")),
            QStringLiteral("azure/t/c/refreshToken"));
    }

    void writeReadRemove()
    {
        SecretStore store(nullptr, QStringLiteral("opsdeck-test"));
        QSignalSpy changed(&store, &SecretStore::persistenceChanged);
        QVERIFY(store.persistent()); // until the keychain says otherwise

        auto absent = readSync(store, m_key);
        QVERIFY(!absent);
        QVERIFY(absent.error().kind == ErrorKind::NotFound);

        const QString secret = QStringLiteral("s3cr3t+/= ü");
        auto written = writeSync(store, m_key, secret);
        QVERIFY2(written, written ? "" : qPrintable(toString(written.error())));
        auto read = readSync(store, m_key);
        QVERIFY2(read, read ? "" : qPrintable(toString(read.error())));
        QCOMPARE(*read, secret);

        QCOMPARE(store.persistent(), m_expectKeyring);
        if (m_expectKeyring) {
            QCOMPARE(changed.size(), 0);
            QVERIFY(store.fallbackReason().isEmpty());
            // Another store (another session of the app) finds it: it is in the keyring, not in memory.
            SecretStore other(nullptr, QStringLiteral("opsdeck-test"));
            auto again = readSync(other, m_key);
            QVERIFY2(again, again ? "" : qPrintable(toString(again.error())));
            QCOMPARE(*again, secret);
            QVERIFY(other.persistent());
        } else {
            QCOMPARE(changed.size(), 1);
            QCOMPARE(changed[0][0].toBool(), false);
            QVERIFY(!store.fallbackReason().isEmpty());
            QCOMPARE(changed[0][1].toString(), store.fallbackReason());
            // Memory is this session's only.
            SecretStore other(nullptr, QStringLiteral("opsdeck-test"));
            auto elsewhere = readSync(other, m_key);
            QVERIFY(!elsewhere);
            QVERIFY(elsewhere.error().kind == ErrorKind::NotFound);
        }

        QVERIFY(writeSync(store, m_key, QStringLiteral("rotated")));
        QCOMPARE(readSync(store, m_key).value_or(QString()), QStringLiteral("rotated"));

        QVERIFY(removeSync(store, m_key));
        auto gone = readSync(store, m_key);
        QVERIFY(!gone);
        QVERIFY(gone.error().kind == ErrorKind::NotFound);
        QVERIFY(removeSync(store, m_key)); // removing nothing is fine
        QCOMPARE(store.persistent(), m_expectKeyring);
    }

    void destroyedContextIsNotCalled()
    {
        SecretStore store(nullptr, QStringLiteral("opsdeck-test"));
        bool called = false;
        auto *context = new QObject;
        store.read(m_key, context, [&called](Result<QString>) { called = true; });
        delete context;
        QVERIFY(writeSync(store, m_key, QStringLiteral("x")));
        QTest::qWait(100);
        QVERIFY(!called);
        QVERIFY(removeSync(store, m_key));
    }
};

QTEST_GUILESS_MAIN(tst_SecretStore)
#include "tst_secretstore.moc"
