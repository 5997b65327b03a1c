#include "retrypolicy.h"

#include <QTest>
#include <QTimeZone>

using namespace Opsdeck;
using namespace std::chrono_literals;

// When a failed attempt is retried and after how long: the rules of DESIGN §5 as a table.
class tst_RetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void delay_data();
    void delay();
    void ceilingDoublesUpToTheCap();
    void fullJitterSpreadsOverTheWindow();
    void idempotentMethods_data();
    void idempotentMethods();
    void parseRetryAfter_data();
    void parseRetryAfter();
};

namespace {

RetryPolicy::Settings settings()
{
    RetryPolicy::Settings s;
    s.maxAttempts = 4;
    s.baseDelay = 500ms;
    s.maxDelay = 30s;
    s.maxRetryAfter = 60s;
    return s;
}

} // namespace

void tst_RetryPolicy::delay_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("idempotent"); // -1: the method decides, 0/1: the caller says
    QTest::addColumn<int>("attemptsMade");
    QTest::addColumn<int>("status"); // 0: no HTTP answer
    QTest::addColumn<int>("network"); // QNetworkReply::NetworkError
    QTest::addColumn<bool>("timedOut");
    QTest::addColumn<int>("retryAfter"); // seconds, -1 = none
    QTest::addColumn<double>("jitter");
    QTest::addColumn<int>("expectedMs"); // -1 = not retried

    const int none = QNetworkReply::NoError;
    const int refused = QNetworkReply::ConnectionRefusedError;
    const int closed = QNetworkReply::RemoteHostClosedError;
    const int tls = QNetworkReply::SslHandshakeFailedError;
    const int canceled = QNetworkReply::OperationCanceledError;

    // clang-format off
    QTest::newRow("GET 503, 1st failure, top of window") << QByteArray("GET") << -1 << 1 << 503 << none << false << -1 << 1.0 << 500;
    QTest::newRow("GET 503, 1st failure, mid window")    << QByteArray("GET") << -1 << 1 << 503 << none << false << -1 << 0.5 << 250;
    QTest::newRow("GET 503, 1st failure, bottom")        << QByteArray("GET") << -1 << 1 << 503 << none << false << -1 << 0.0 << 0;
    QTest::newRow("GET 503, 2nd failure doubles")        << QByteArray("GET") << -1 << 2 << 503 << none << false << -1 << 1.0 << 1000;
    QTest::newRow("GET 502, 3rd failure doubles again")  << QByteArray("GET") << -1 << 3 << 502 << none << false << -1 << 1.0 << 2000;
    QTest::newRow("GET 503, attempts used up")           << QByteArray("GET") << -1 << 4 << 503 << none << false << -1 << 1.0 << -1;
    QTest::newRow("GET 500")                             << QByteArray("GET") << -1 << 1 << 500 << none << false << -1 << 1.0 << 500;
    QTest::newRow("GET 504")                             << QByteArray("GET") << -1 << 1 << 504 << none << false << -1 << 1.0 << 500;
    QTest::newRow("GET 408")                             << QByteArray("GET") << -1 << 1 << 408 << none << false << -1 << 1.0 << 500;
    QTest::newRow("429 honours Retry-After")             << QByteArray("GET") << -1 << 1 << 429 << none << false << 7 << 0.3 << 7000;
    QTest::newRow("429 Retry-After 0 retries at once")   << QByteArray("GET") << -1 << 1 << 429 << none << false << 0 << 0.3 << 0;
    QTest::newRow("429 without Retry-After backs off")   << QByteArray("GET") << -1 << 2 << 429 << none << false << -1 << 1.0 << 1000;
    QTest::newRow("429 Retry-After beyond the cap")      << QByteArray("GET") << -1 << 1 << 429 << none << false << 120 << 1.0 << -1;
    QTest::newRow("503 honours Retry-After")             << QByteArray("GET") << -1 << 1 << 503 << none << false << 3 << 1.0 << 3000;
    QTest::newRow("Retry-After but attempts used up")    << QByteArray("GET") << -1 << 4 << 429 << none << false << 1 << 1.0 << -1;
    QTest::newRow("GET timeout")                         << QByteArray("GET") << -1 << 1 << 0 << canceled << true << -1 << 1.0 << 500;
    QTest::newRow("GET connection refused")              << QByteArray("GET") << -1 << 1 << 0 << refused << false << -1 << 1.0 << 500;
    QTest::newRow("GET connection closed")               << QByteArray("GET") << -1 << 1 << 0 << closed << false << -1 << 1.0 << 500;
    QTest::newRow("GET TLS handshake is not transient")  << QByteArray("GET") << -1 << 1 << 0 << tls << false << -1 << 1.0 << -1;
    QTest::newRow("HEAD 503")                            << QByteArray("HEAD") << -1 << 1 << 503 << none << false << -1 << 1.0 << 500;
    QTest::newRow("400 is never retried")                << QByteArray("GET") << -1 << 1 << 400 << none << false << -1 << 1.0 << -1;
    QTest::newRow("401 is never retried")                << QByteArray("GET") << -1 << 1 << 401 << none << false << -1 << 1.0 << -1;
    QTest::newRow("403 is never retried")                << QByteArray("GET") << -1 << 1 << 403 << none << false << -1 << 1.0 << -1;
    QTest::newRow("404 is never retried")                << QByteArray("GET") << -1 << 1 << 404 << none << false << -1 << 1.0 << -1;
    QTest::newRow("409 is never retried")                << QByteArray("GET") << -1 << 1 << 409 << none << false << -1 << 1.0 << -1;
    QTest::newRow("410 is never retried")                << QByteArray("GET") << -1 << 1 << 410 << none << false << 3 << 1.0 << -1;
    QTest::newRow("422 is never retried")                << QByteArray("GET") << -1 << 1 << 422 << none << false << -1 << 1.0 << -1;
    // Writes: only when the server provably did not act on them.
    QTest::newRow("POST 503 is not retried")             << QByteArray("POST") << -1 << 1 << 503 << none << false << -1 << 1.0 << -1;
    QTest::newRow("POST 503 with Retry-After neither")   << QByteArray("POST") << -1 << 1 << 503 << none << false << 2 << 1.0 << -1;
    QTest::newRow("POST timeout is not retried")         << QByteArray("POST") << -1 << 1 << 0 << canceled << true << -1 << 1.0 << -1;
    QTest::newRow("POST connection closed is not")       << QByteArray("POST") << -1 << 1 << 0 << closed << false << -1 << 1.0 << -1;
    QTest::newRow("POST connection refused is")          << QByteArray("POST") << -1 << 1 << 0 << refused << false << -1 << 1.0 << 500;
    QTest::newRow("POST 429 waits for Retry-After")      << QByteArray("POST") << -1 << 1 << 429 << none << false << 2 << 1.0 << 2000;
    QTest::newRow("PATCH 409 is never retried")          << QByteArray("PATCH") << -1 << 1 << 409 << none << false << -1 << 1.0 << -1;
    QTest::newRow("PATCH 500 is not retried")            << QByteArray("PATCH") << -1 << 1 << 500 << none << false << -1 << 1.0 << -1;
    QTest::newRow("PUT 503 is not retried")              << QByteArray("PUT") << -1 << 1 << 503 << none << false << -1 << 1.0 << -1;
    QTest::newRow("DELETE 503 is not retried")           << QByteArray("DELETE") << -1 << 1 << 503 << none << false << -1 << 1.0 << -1;
    QTest::newRow("PUT the caller vouches for")          << QByteArray("PUT") << 1 << 1 << 503 << none << false << -1 << 1.0 << 500;
    QTest::newRow("GET the caller forbids")              << QByteArray("GET") << 0 << 1 << 503 << none << false << -1 << 1.0 << -1;
    // clang-format on
}

void tst_RetryPolicy::delay()
{
    QFETCH(QByteArray, method);
    QFETCH(int, idempotent);
    QFETCH(int, attemptsMade);
    QFETCH(int, status);
    QFETCH(int, network);
    QFETCH(bool, timedOut);
    QFETCH(int, retryAfter);
    QFETCH(double, jitter);
    QFETCH(int, expectedMs);

    const RetryPolicy policy(settings(), 1);
    RetryPolicy::Failure failure;
    failure.httpStatus = status;
    failure.network = QNetworkReply::NetworkError(network);
    failure.timedOut = timedOut;
    if (retryAfter >= 0)
        failure.retryAfter = std::chrono::seconds(retryAfter);
    const bool isIdempotent = idempotent < 0 ? RetryPolicy::isIdempotent(method) : idempotent == 1;
    const auto delay = policy.delay(isIdempotent, attemptsMade, failure, jitter);
    QCOMPARE(delay ? int(delay->count()) : -1, expectedMs);
}

void tst_RetryPolicy::ceilingDoublesUpToTheCap()
{
    RetryPolicy::Settings s = settings();
    s.maxAttempts = 100;
    const RetryPolicy policy(s, 1);
    QCOMPARE(policy.ceiling(1), 500ms);
    QCOMPARE(policy.ceiling(2), 1000ms);
    QCOMPARE(policy.ceiling(6), 16000ms);
    QCOMPARE(policy.ceiling(7), 30000ms); // 32 s capped
    QCOMPARE(policy.ceiling(60), 30000ms); // no overflow far out
    RetryPolicy::Failure failure;
    failure.httpStatus = 503;
    QCOMPARE(policy.delay(true, 50, failure, 1.0), std::optional(30000ms));
}

void tst_RetryPolicy::fullJitterSpreadsOverTheWindow()
{
    // Full jitter: uniform over [0, ceiling] — not a fixed delay, and not only the upper half.
    RetryPolicy policy(settings(), 42);
    RetryPolicy::Failure failure;
    failure.httpStatus = 503;
    qint64 low = 1'000'000, high = -1, sum = 0;
    const int samples = 2000;
    for (int i = 0; i < samples; ++i) {
        const auto delay = policy.nextDelay(true, 2, failure);
        QVERIFY(delay);
        QVERIFY(delay->count() >= 0 && delay->count() <= 1000);
        low = std::min<qint64>(low, delay->count());
        high = std::max<qint64>(high, delay->count());
        sum += delay->count();
    }
    QVERIFY2(low < 100, qPrintable(QString::number(low)));
    QVERIFY2(high > 900, qPrintable(QString::number(high)));
    const double mean = double(sum) / samples;
    QVERIFY2(mean > 440 && mean < 560, qPrintable(QString::number(mean)));
}

void tst_RetryPolicy::idempotentMethods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<bool>("idempotent");
    QTest::newRow("GET") << QByteArray("GET") << true;
    QTest::newRow("get") << QByteArray("get") << true;
    QTest::newRow("HEAD") << QByteArray("HEAD") << true;
    QTest::newRow("OPTIONS") << QByteArray("OPTIONS") << true;
    QTest::newRow("POST") << QByteArray("POST") << false;
    QTest::newRow("PATCH") << QByteArray("PATCH") << false;
    QTest::newRow("PUT") << QByteArray("PUT") << false;
    QTest::newRow("DELETE") << QByteArray("DELETE") << false;
}

void tst_RetryPolicy::idempotentMethods()
{
    QFETCH(QByteArray, method);
    QFETCH(bool, idempotent);
    QCOMPARE(RetryPolicy::isIdempotent(method), idempotent);
}

void tst_RetryPolicy::parseRetryAfter_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("expected"); // -1 = nullopt
    QTest::newRow("seconds") << QByteArray("7") << 7;
    QTest::newRow("padded") << QByteArray(" 12 ") << 12;
    QTest::newRow("zero") << QByteArray("0") << 0;
    QTest::newRow("absent") << QByteArray() << -1;
    QTest::newRow("negative") << QByteArray("-3") << -1;
    QTest::newRow("garbage") << QByteArray("soon") << -1;
    QTest::newRow("HTTP-date ahead") << QByteArray("Wed, 01 Jan 2025 12:00:30 GMT") << 30;
    QTest::newRow("HTTP-date past") << QByteArray("Wed, 01 Jan 2025 11:59:00 GMT") << 0;
}

void tst_RetryPolicy::parseRetryAfter()
{
    QFETCH(QByteArray, header);
    QFETCH(int, expected);
    const QDateTime now(QDate(2025, 1, 1), QTime(12, 0), QTimeZone::utc());
    const auto parsed = RetryPolicy::parseRetryAfter(header, now);
    QCOMPARE(parsed ? int(parsed->count()) : -1, expected);
}

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
