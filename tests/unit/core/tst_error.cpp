#include "error.h"

#include <QTest>

using namespace Opsdeck;

class tst_Error : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kindNames_data();
    void kindNames();
    void errorText();
    void resultCarriesError();
};

void tst_Error::kindNames_data()
{
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("network") << ErrorKind::Network << QStringLiteral("Network");
    QTest::newRow("timeout") << ErrorKind::Timeout << QStringLiteral("Timeout");
    QTest::newRow("unauthorized") << ErrorKind::Unauthorized << QStringLiteral("Unauthorized");
    QTest::newRow("forbidden") << ErrorKind::Forbidden << QStringLiteral("Forbidden");
    QTest::newRow("notfound") << ErrorKind::NotFound << QStringLiteral("NotFound");
    QTest::newRow("conflict") << ErrorKind::Conflict << QStringLiteral("Conflict");
    QTest::newRow("gone") << ErrorKind::Gone << QStringLiteral("Gone");
    QTest::newRow("throttled") << ErrorKind::Throttled << QStringLiteral("Throttled");
    QTest::newRow("invalid") << ErrorKind::Invalid << QStringLiteral("Invalid");
    QTest::newRow("config") << ErrorKind::Config << QStringLiteral("Config");
    QTest::newRow("plugin") << ErrorKind::Plugin << QStringLiteral("Plugin");
}

void tst_Error::kindNames()
{
    QFETCH(ErrorKind, kind);
    QFETCH(QString, expected);
    QCOMPARE(toString(kind), expected);
}

void tst_Error::errorText()
{
    Error plain{ErrorKind::Config, QStringLiteral("kubeconfig /x: no current-context"), {}, std::nullopt};
    QCOMPARE(toString(plain), QStringLiteral("Config: kubeconfig /x: no current-context"));

    Error full{ErrorKind::Throttled, QStringLiteral("cost query"), QStringLiteral("wait"), std::chrono::seconds(7)};
    QCOMPARE(toString(full), QStringLiteral("Throttled: cost query (wait) [retry after 7 s]"));
}

void tst_Error::resultCarriesError()
{
    const auto failing = []() -> Result<int> { return makeError(ErrorKind::NotFound, QStringLiteral("pod x"), QStringLiteral("h")); };
    const Result<int> r = failing();
    QVERIFY(!r);
    QVERIFY(r.error().kind == ErrorKind::NotFound); // not QCOMPARE: ADL finds Opsdeck::toString(ErrorKind)
    QCOMPARE(r.error().message, QStringLiteral("pod x"));
    QCOMPARE(r.error().hint, QStringLiteral("h"));
    QVERIFY(!r.error().retryAfter);
    QVERIFY(r.error() == (Error{ErrorKind::NotFound, QStringLiteral("pod x"), QStringLiteral("h"), std::nullopt}));
}

QTEST_GUILESS_MAIN(tst_Error)
#include "tst_error.moc"
