#include "fakeclock.h"
#include "resilientclient.h"
#include "resilientreply.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Opsdeck;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

// One scripted answer of the test server.
struct Scripted
{
    enum class Action { Respond, Stall };
    int status = 200;
    QByteArray reason = "OK";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    Action action = Action::Respond;
};

struct Received
{
    QByteArray method;
    QByteArray target;
    QByteArray body;
};

// A tiny HTTP/1.1 server on loopback answering each request with the next scripted response (then
// closing the connection) — real sockets, so the client's QNetworkAccessManager path is the real one.
class ScriptedServer : public QObject
{
public:
    ScriptedServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, &ScriptedServer::accept);
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
    }

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    void push(Scripted answer) { m_script.append(std::move(answer)); }
    void push(int status, QByteArray reason, QByteArray body = {},
              QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        push(Scripted { status, std::move(reason), std::move(body), std::move(headers),
                        Scripted::Action::Respond });
    }
    void pushStall() { push(Scripted { 0, {}, {}, {}, Scripted::Action::Stall }); }
    const QList<Received> &received() const { return m_received; }
    qsizetype pending() const { return m_script.size(); }
    void clearScript() { m_script.clear(); }
    void close() { m_server.close(); }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        qsizetype length = 0;
        for (const QByteArray &line : lines)
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        m_received.append(
            Received { requestLine.value(0), requestLine.value(1), buffer.mid(end + 4, length) });
        m_buffers.remove(socket);
        const Scripted answer = m_script.isEmpty()
            ? Scripted { 500, "Unscripted", {}, {}, Scripted::Action::Respond }
            : m_script.takeFirst();
        if (answer.action == Scripted::Action::Stall)
            return; // hold the connection, say nothing
        QByteArray response = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' + answer.reason + "\r\n";
        response += "Content-Type: application/json\r\nConnection: close\r\n";
        response += "Content-Length: " + QByteArray::number(answer.body.size()) + "\r\n";
        for (const auto &[name, value] : answer.headers)
            response += name + ": " + value + "\r\n";
        response += "\r\n" + answer.body;
        socket->write(response);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QList<Scripted> m_script;
    QList<Received> m_received;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

QByteArray statusBody(int code, const QByteArray &reason, const QByteArray &message,
                      int retryAfterSeconds = -1)
{
    QByteArray details = "{}";
    if (retryAfterSeconds >= 0)
        details = "{\"retryAfterSeconds\":" + QByteArray::number(retryAfterSeconds) + '}';
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
        + message + "\",\"reason\":\"" + reason + "\",\"details\":" + details
        + ",\"code\":" + QByteArray::number(code) + '}';
}

ResilientClient::Settings testSettings()
{
    ResilientClient::Settings settings;
    settings.retry.maxAttempts = 4;
    settings.retry.baseDelay = 10ms;
    settings.retry.maxDelay = 80ms;
    settings.retry.maxRetryAfter = 5s;
    settings.breaker.failureThreshold = 3;
    settings.breaker.breakDuration = 30s;
    settings.timeout = 5s;
    settings.seed = 7;
    return settings;
}

} // namespace

// ResilientClient against a scripted HTTP server; breaker time on a fake clock.
class tst_ResilientClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void getSucceeds();
    void retriesTransientFailures_data();
    void retriesTransientFailures();
    void mapsOutcomes_data();
    void mapsOutcomes();
    void honoursRetryAfterHeader();
    void honoursStatusRetryAfterSeconds();
    void longRetryAfterIsHandedToTheCaller();
    void timesOutAStalledServer();
    void stalledWriteIsNotRepeated();
    void conflictOnPatchIsNotRetried();
    void connectionRefusedIsRetried();
    void breakerOpensFailsFastAndRecovers();
    void halfOpenProbeFailureReopens();
    void breakersArePerEndpoint();
    void fallsBackToLastKnownGoodWithAge();
    void fallsBackWhileTheCircuitIsOpen();
    void abortReleasesTheProbe();
    void callbackFormCleansUp();
    void messagesCarryNoSecrets();

private:
    Result<HttpResponse> run(const QString &path, const QByteArray &method = "GET",
                             const QByteArray &body = {}, const RequestOptions &options = {},
                             QList<qint64> *delays = nullptr);

    std::unique_ptr<ScriptedServer> m_server;
    std::unique_ptr<FakeClock> m_clock;
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::unique_ptr<ResilientClient> m_client;
    int m_lastStatus = -1; // the last run()'s ResilientReply::httpStatus()
};

void tst_ResilientClient::init()
{
    m_server = std::make_unique<ScriptedServer>();
    m_clock = std::make_unique<FakeClock>();
    m_manager = std::make_unique<QNetworkAccessManager>();
    m_manager->setProxy(QNetworkProxy::NoProxy);
    m_client = std::make_unique<ResilientClient>(m_manager.get(), testSettings(), *m_clock);
}

void tst_ResilientClient::cleanup()
{
    m_client.reset();
    m_manager.reset();
    m_server.reset();
    m_clock.reset();
}

Result<HttpResponse> tst_ResilientClient::run(const QString &path, const QByteArray &method,
                                              const QByteArray &body, const RequestOptions &options,
                                              QList<qint64> *delays)
{
    std::unique_ptr<ResilientReply> reply(
        m_client->send(QNetworkRequest(m_server->url(path)), method, body, options));
    QSignalSpy finished(reply.get(), &ResilientReply::finished);
    if (delays)
        connect(reply.get(), &ResilientReply::retrying, this,
                [delays](int, qint64 delay, const Error &) { delays->append(delay); });
    if (!finished.wait(20000))
        return tl::unexpected(
            Error { ErrorKind::Invalid, u"test: no finished() in 20 s"_s, {}, std::nullopt });
    if (finished.size() != 1)
        return tl::unexpected(
            Error { ErrorKind::Invalid, u"test: finished() more than once"_s, {}, std::nullopt });
    m_lastStatus = reply->httpStatus();
    return reply->result();
}

void tst_ResilientClient::getSucceeds()
{
    m_server->push(200, "OK", R"({"kind":"PodList"})", { { "X-Extra", "1" } });
    const auto result = run(u"/api/v1/pods"_s);
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QCOMPARE(result->status, 200);
    QCOMPARE(result->body, QByteArray(R"({"kind":"PodList"})"));
    QCOMPARE(result->header("x-extra"), QByteArray("1"));
    QCOMPARE(result->attempts, 1);
    QVERIFY(!result->stale);
    QCOMPARE(m_server->received().size(), 1);
    QCOMPARE(m_server->received().first().method, QByteArray("GET"));
    QCOMPARE(m_server->received().first().target, QByteArray("/api/v1/pods"));
}

void tst_ResilientClient::retriesTransientFailures_data()
{
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<bool>("succeeds");
    QTest::addColumn<int>("attempts");
    QTest::newRow("503 503 200") << QList<int> { 503, 503, 200 } << true << 3;
    QTest::newRow("500 502 504 200") << QList<int> { 500, 502, 504, 200 } << true << 4;
    QTest::newRow("503 four times gives up") << QList<int> { 503, 503, 503, 503 } << false << 4;
    QTest::newRow("503 then 404 stops") << QList<int> { 503, 404 } << false << 2;
}

void tst_ResilientClient::retriesTransientFailures()
{
    QFETCH(QList<int>, statuses);
    QFETCH(bool, succeeds);
    QFETCH(int, attempts);
    // Generous threshold: this is about retries, not the breaker.
    ResilientClient::Settings settings = testSettings();
    settings.breaker.failureThreshold = 10;
    m_client = std::make_unique<ResilientClient>(m_manager.get(), settings, *m_clock);
    for (int status : statuses)
        m_server->push(status, status == 200 ? "OK" : status == 404 ? "Not Found" : "Service Unavailable");
    QList<qint64> delays;
    const auto result = run(u"/api/v1/pods"_s, "GET", {}, {}, &delays);
    QCOMPARE(bool(result), succeeds);
    QCOMPARE(m_server->received().size(), attempts);
    QCOMPARE(delays.size(), attempts - 1);
    for (qsizetype i = 0; i < delays.size(); ++i) // full jitter within the doubling window
        QVERIFY(delays[i] >= 0 && delays[i] <= std::min<qint64>(80, 10 << i));
    if (succeeds)
        QCOMPARE(result->attempts, attempts);
}

void tst_ResilientClient::mapsOutcomes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("reason");
    QTest::addColumn<int>("answers"); // how many times the server gives that answer
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<int>("requests"); // how many reached the server
    QTest::addColumn<QString>("message");
    QTest::newRow("401") << QByteArray("GET") << 401 << QByteArray("Unauthorized") << 1
                         << ErrorKind::Unauthorized << 1 << u"GET %1: HTTP 401 Unauthorized: denied"_s;
    QTest::newRow("403") << QByteArray("GET") << 403 << QByteArray("Forbidden") << 1 << ErrorKind::Forbidden
                         << 1 << u"GET %1: HTTP 403 Forbidden: denied"_s;
    QTest::newRow("404") << QByteArray("GET") << 404 << QByteArray("Not Found") << 1 << ErrorKind::NotFound
                         << 1 << u"GET %1: HTTP 404 Not Found: denied"_s;
    QTest::newRow("410") << QByteArray("GET") << 410 << QByteArray("Gone") << 1 << ErrorKind::Gone << 1
                         << u"GET %1: HTTP 410 Gone: denied"_s;
    QTest::newRow("422") << QByteArray("GET") << 422 << QByteArray("Unprocessable Entity") << 1
                         << ErrorKind::Invalid << 1 << u"GET %1: HTTP 422 Unprocessable Entity: denied"_s;
    QTest::newRow("GET 503 x4") << QByteArray("GET") << 503 << QByteArray("Service Unavailable") << 4
                                << ErrorKind::Network << 4
                                << u"GET %1: HTTP 503 Service Unavailable after 4 attempts: denied"_s;
    QTest::newRow("GET 429 x4") << QByteArray("GET") << 429 << QByteArray("Too Many Requests") << 4
                                << ErrorKind::Throttled << 4
                                << u"GET %1: HTTP 429 Too Many Requests after 4 attempts: denied"_s;
    QTest::newRow("POST 503 once") << QByteArray("POST") << 503 << QByteArray("Service Unavailable") << 4
                                   << ErrorKind::Network << 1
                                   << u"POST %1: HTTP 503 Service Unavailable: denied"_s;
    QTest::newRow("PUT 500 once") << QByteArray("PUT") << 500 << QByteArray("Internal Server Error") << 4
                                  << ErrorKind::Network << 1
                                  << u"PUT %1: HTTP 500 Internal Server Error: denied"_s;
    QTest::newRow("DELETE 502 once") << QByteArray("DELETE") << 502 << QByteArray("Bad Gateway") << 4
                                     << ErrorKind::Network << 1
                                     << u"DELETE %1: HTTP 502 Bad Gateway: denied"_s;
}

void tst_ResilientClient::mapsOutcomes()
{
    QFETCH(QByteArray, method);
    QFETCH(int, status);
    QFETCH(QByteArray, reason);
    QFETCH(int, answers);
    QFETCH(ErrorKind, kind);
    QFETCH(int, requests);
    QFETCH(QString, message);
    ResilientClient::Settings settings = testSettings();
    settings.breaker.failureThreshold = 10;
    m_client = std::make_unique<ResilientClient>(m_manager.get(), settings, *m_clock);
    for (int i = 0; i < answers; ++i)
        m_server->push(status, reason, statusBody(status, reason, "denied"));
    const auto result = run(u"/api/v1/namespaces/shop/pods"_s, method, method == "GET" ? QByteArray() : "{}");
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(kind));
    QCOMPARE(result.error().message,
             message.arg(m_server->url(u"/api/v1/namespaces/shop/pods"_s).toString()));
    QVERIFY(!result.error().hint.isEmpty());
    QCOMPARE(m_server->received().size(), requests);
    QCOMPARE(m_lastStatus, status);
}

void tst_ResilientClient::honoursRetryAfterHeader()
{
    m_server->push(429, "Too Many Requests", statusBody(429, "TooManyRequests", "slow down"),
                   { { "Retry-After", "1" } });
    m_server->push(200, "OK", "{}");
    QList<qint64> delays;
    QElapsedTimer clock;
    clock.start();
    const auto result = run(u"/api/v1/pods"_s, "GET", {}, {}, &delays);
    QVERIFY(result);
    QCOMPARE(delays, QList<qint64> { 1000 }); // not the 10 ms backoff
    QVERIFY2(clock.elapsed() >= 950, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(result->attempts, 2);
}

void tst_ResilientClient::honoursStatusRetryAfterSeconds()
{
    // No header: the Status' details.retryAfterSeconds says how long (API-CONTRACTS §1).
    m_server->push(503, "Service Unavailable", statusBody(503, "ServiceUnavailable", "etcd busy", 1));
    m_server->push(200, "OK", "{}");
    QList<qint64> delays;
    const auto result = run(u"/api/v1/pods"_s, "GET", {}, {}, &delays);
    QVERIFY(result);
    QCOMPARE(delays, QList<qint64> { 1000 });
}

void tst_ResilientClient::longRetryAfterIsHandedToTheCaller()
{
    // Beyond maxRetryAfter the request does not sit in a timer for minutes: Throttled with the figure.
    m_server->push(429, "Too Many Requests", statusBody(429, "TooManyRequests", "quota"),
                   { { "Retry-After", "120" } });
    const auto result = run(u"/api/v1/pods"_s);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Throttled));
    QCOMPARE(result.error().retryAfter, std::optional(120s));
    QVERIFY(result.error().hint.contains(u"120 s"_s));
    QCOMPARE(m_server->received().size(), 1);
}

void tst_ResilientClient::timesOutAStalledServer()
{
    ResilientClient::Settings settings = testSettings();
    settings.retry.maxAttempts = 2;
    settings.timeout = 200ms;
    m_client = std::make_unique<ResilientClient>(m_manager.get(), settings, *m_clock);
    m_server->pushStall();
    m_server->push(200, "OK", "{}");
    auto result = run(u"/api/v1/pods"_s);
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QCOMPARE(result->attempts, 2);

    m_server->pushStall();
    m_server->pushStall();
    result = run(u"/api/v1/pods"_s);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Timeout));
    QCOMPARE(result.error().message,
             u"GET %1: no answer within 0.2 s after 2 attempts"_s.arg(
                 m_server->url(u"/api/v1/pods"_s).toString()));
}

void tst_ResilientClient::stalledWriteIsNotRepeated()
{
    ResilientClient::Settings settings = testSettings();
    settings.timeout = 200ms;
    m_client = std::make_unique<ResilientClient>(m_manager.get(), settings, *m_clock);
    m_server->pushStall();
    m_server->push(201, "Created", "{}");
    const auto result = run(u"/api/v1/namespaces/shop/pods"_s, "POST", "{}");
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Timeout));
    QCOMPARE(m_server->received().size(), 1); // it may have been applied: never sent twice
}

void tst_ResilientClient::conflictOnPatchIsNotRetried()
{
    m_server->push(
        409, "Conflict",
        statusBody(
            409, "Conflict",
            "Operation cannot be fulfilled on deployments.apps \\\"web\\\": the object has been modified"));
    m_server->push(200, "OK", "{}");
    const auto result
        = run(u"/apis/apps/v1/namespaces/shop/deployments/web"_s, "PATCH", R"({"spec":{"replicas":3}})");
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Conflict));
    QVERIFY(result.error().message.contains(u"the object has been modified"_s));
    QCOMPARE(m_server->received().size(), 1);
    QCOMPARE(m_server->received().first().method, QByteArray("PATCH"));
    QCOMPARE(m_server->received().first().body, QByteArray(R"({"spec":{"replicas":3}})"));
    // A 409 is an answer: the endpoint is healthy.
    QCOMPARE(m_client
                 ->breaker(ResilientClient::endpointOf(
                     m_server->url(u"/apis/apps/v1/namespaces/shop/deployments/web"_s)))
                 ->consecutiveFailures(),
             0);
}

void tst_ResilientClient::connectionRefusedIsRetried()
{
    const QUrl url = m_server->url(u"/version"_s);
    m_server->close();
    ResilientClient::Settings settings = testSettings();
    settings.breaker.failureThreshold = 10;
    m_client = std::make_unique<ResilientClient>(m_manager.get(), settings, *m_clock);
    std::unique_ptr<ResilientReply> reply(m_client->send(QNetworkRequest(url)));
    QSignalSpy finished(reply.get(), &ResilientReply::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY(!reply->result());
    QCOMPARE(toString(reply->result().error().kind), toString(ErrorKind::Network));
    QCOMPARE(reply->attempts(), 4);
    QVERIFY2(reply->result().error().message.startsWith(u"GET %1: "_s.arg(url.toString())),
             qPrintable(reply->result().error().message));
    QVERIFY(reply->result().error().message.endsWith(u"after 4 attempts"_s));
}

void tst_ResilientClient::breakerOpensFailsFastAndRecovers()
{
    const QString endpoint = ResilientClient::endpointOf(m_server->url(u"/api/v1/pods"_s));
    QSignalSpy changes(m_client.get(), &ResilientClient::breakerChanged);
    // Threshold 3, four attempts per GET: the third failure opens the circuit, the fourth attempt is
    // refused without reaching the server.
    for (int i = 0; i < 4; ++i)
        m_server->push(503, "Service Unavailable");
    auto result = run(u"/api/v1/pods"_s);
    QVERIFY(!result);
    QCOMPARE(m_server->received().size(), 3);
    QCOMPARE(m_server->pending(), 1); // the fourth answer was never asked for
    m_server->clearScript();
    QCOMPARE(toString(m_client->breaker(endpoint)->state()), toString(CircuitBreaker::State::Open));
    QCOMPARE(
        result.error().message,
        u"GET %1: circuit open for %1 (last failure: HTTP 503 Service Unavailable) after 4 attempts"_s.arg(
            endpoint));
    QCOMPARE(result.error().retryAfter, std::optional(30s));

    // Fail fast during the break.
    m_clock->advance(29s);
    result = run(u"/api/v1/pods"_s);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Network));
    QCOMPARE(m_lastStatus, 0); // nothing was sent
    QVERIFY(result.error().message.contains(u"circuit open for "_s + endpoint));
    QCOMPARE(result.error().retryAfter, std::optional(1s));
    QVERIFY(result.error().hint.contains(u"1 s"_s));
    QCOMPARE(m_server->received().size(), 3);

    // After the break: one probe, and it succeeds.
    m_clock->advance(1s);
    m_server->push(200, "OK", "{}");
    result = run(u"/api/v1/pods"_s);
    QVERIFY2(result,
             result ? "" : qPrintable(result.error().message + QString::number(m_server->received().size())));
    QCOMPARE(m_server->received().size(), 4);
    QCOMPARE(toString(m_client->breaker(endpoint)->state()), toString(CircuitBreaker::State::Closed));

    QCOMPARE(changes.size(), 3);
    const QList<CircuitBreaker::State> expected { CircuitBreaker::State::Open,
                                                  CircuitBreaker::State::HalfOpen,
                                                  CircuitBreaker::State::Closed };
    for (qsizetype i = 0; i < changes.size(); ++i) {
        QCOMPARE(changes[i][0].toString(), endpoint);
        QCOMPARE(toString(changes[i][1].value<CircuitBreaker::State>()), toString(expected[i]));
    }
}

void tst_ResilientClient::halfOpenProbeFailureReopens()
{
    const QString endpoint = ResilientClient::endpointOf(m_server->url(u"/healthz"_s));
    for (int i = 0; i < 3; ++i)
        m_server->push(500, "Internal Server Error");
    QVERIFY(!run(u"/healthz"_s));
    QCOMPARE(toString(m_client->breaker(endpoint)->state()), toString(CircuitBreaker::State::Open));
    m_clock->advance(30s);
    m_server->push(503, "Service Unavailable");
    m_server->push(200, "OK"); // must not be reached: the failed probe reopens the circuit
    const auto result = run(u"/healthz"_s);
    QVERIFY(!result);
    QCOMPARE(m_server->received().size(), 4);
    QCOMPARE(toString(m_client->breaker(endpoint)->state()), toString(CircuitBreaker::State::Open));
    QVERIFY(result.error().message.contains(u"circuit open"_s));
    QCOMPARE(m_client->breaker(endpoint)->remainingBreak(), std::optional(30000ms));
}

void tst_ResilientClient::breakersArePerEndpoint()
{
    for (int i = 0; i < 3; ++i)
        m_server->push(503, "Service Unavailable");
    QVERIFY(!run(u"/apis/metrics.k8s.io/v1beta1/pods"_s));
    m_server->push(200, "OK", "{}");
    QVERIFY(run(u"/api/v1/pods"_s));
    QCOMPARE(m_client->endpoints().size(), 2);
    QCOMPARE(toString(m_client
                          ->breaker(ResilientClient::endpointOf(
                              m_server->url(u"/apis/metrics.k8s.io/v1beta1/pods"_s)))
                          ->state()),
             toString(CircuitBreaker::State::Open));
    // An explicit key lets paths share one breaker; the query never splits one.
    RequestOptions shared;
    shared.endpoint = u"cluster"_s;
    m_server->push(200, "OK", "{}");
    QVERIFY(run(u"/api/v1/pods?limit=5"_s, "GET", {}, shared));
    QVERIFY(m_client->breaker(u"cluster"_s));
    QCOMPARE(ResilientClient::endpointOf(QUrl(u"https://u:p@h:6443/api/v1/pods/?limit=5&continue=x"_s)),
             u"https://h:6443/api/v1/pods"_s);
}

void tst_ResilientClient::fallsBackToLastKnownGoodWithAge()
{
    ResilientClient::Settings settings = testSettings();
    settings.breaker.failureThreshold = 10;
    m_client = std::make_unique<ResilientClient>(m_manager.get(), settings, *m_clock);
    RequestOptions options;
    options.fallbackToLastKnownGood = true;
    m_server->push(200, "OK", R"({"status":"Healthy"})");
    auto result = run(u"/health"_s, "GET", {}, options);
    QVERIFY(result && !result->stale);

    m_clock->advance(180s);
    for (int i = 0; i < 4; ++i)
        m_server->push(503, "Service Unavailable");
    result = run(u"/health"_s, "GET", {}, options);
    QVERIFY(result);
    QVERIFY(result->stale);
    QCOMPARE(result->age, 180000ms);
    QCOMPARE(result->body, QByteArray(R"({"status":"Healthy"})"));
    QCOMPARE(result->attempts, 4);
    QVERIFY(result->staleBecause);
    QCOMPARE(toString(result->staleBecause->kind), toString(ErrorKind::Network));
    QVERIFY(result->staleBecause->message.contains(u"HTTP 503"_s));

    // A 404 says the thing is gone: showing the old answer would lie.
    m_server->push(404, "Not Found");
    result = run(u"/health"_s, "GET", {}, options);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::NotFound));

    // Without the option there is no fallback.
    for (int i = 0; i < 4; ++i)
        m_server->push(503, "Service Unavailable");
    QVERIFY(!run(u"/health"_s));

    // A fresh answer replaces the old one and its age.
    m_server->push(200, "OK", R"({"status":"Degraded"})");
    QVERIFY(run(u"/health"_s, "GET", {}, options));
    m_clock->advance(5s);
    for (int i = 0; i < 4; ++i)
        m_server->push(503, "Service Unavailable");
    result = run(u"/health"_s, "GET", {}, options);
    QVERIFY(result && result->stale);
    QCOMPARE(result->age, 5000ms);
    QCOMPARE(result->body, QByteArray(R"({"status":"Degraded"})"));
}

void tst_ResilientClient::fallsBackWhileTheCircuitIsOpen()
{
    RequestOptions options;
    options.fallbackToLastKnownGood = true;
    m_server->push(200, "OK", "[1]");
    QVERIFY(run(u"/metrics"_s, "GET", {}, options));
    for (int i = 0; i < 3; ++i)
        m_server->push(503, "Service Unavailable");
    m_clock->advance(10s);
    QVERIFY(run(u"/metrics"_s, "GET", {}, options)->stale);
    m_clock->advance(10s);
    const auto result = run(u"/metrics"_s, "GET", {}, options);
    QCOMPARE(m_server->received().size(), 4); // the circuit is open: the server was not asked
    QVERIFY(result && result->stale);
    QCOMPARE(result->age, 20000ms);
    QVERIFY(result->staleBecause->message.contains(u"circuit open"_s));
}

void tst_ResilientClient::abortReleasesTheProbe()
{
    const QString endpoint = ResilientClient::endpointOf(m_server->url(u"/slow"_s));
    for (int i = 0; i < 3; ++i)
        m_server->push(503, "Service Unavailable");
    QVERIFY(!run(u"/slow"_s));
    m_clock->advance(30s);
    m_server->pushStall();
    std::unique_ptr<ResilientReply> reply(m_client->send(QNetworkRequest(m_server->url(u"/slow"_s))));
    QSignalSpy finished(reply.get(), &ResilientReply::finished);
    QTRY_COMPARE(m_server->received().size(), 4);
    QCOMPARE(toString(m_client->breaker(endpoint)->state()), toString(CircuitBreaker::State::HalfOpen));
    reply->abort();
    QCOMPARE(finished.size(), 1);
    QVERIFY(!reply->result());
    QVERIFY(reply->result().error().message.endsWith(u": cancelled"_s));
    reply->abort(); // twice is harmless
    QCOMPARE(finished.size(), 1);
    // The probe slot is free again: the next request probes and closes the circuit.
    m_server->push(200, "OK", "{}");
    QVERIFY(run(u"/slow"_s));
    QCOMPARE(toString(m_client->breaker(endpoint)->state()), toString(CircuitBreaker::State::Closed));
}

void tst_ResilientClient::callbackFormCleansUp()
{
    m_server->push(200, "OK", "hello");
    QObject context;
    std::optional<Result<HttpResponse>> seen;
    QPointer<ResilientReply> reply
        = m_client->send(QNetworkRequest(m_server->url(u"/x"_s)), "GET", {}, {}, &context,
                         [&seen](const Result<HttpResponse> &r) { seen = r; });
    QTRY_VERIFY(seen.has_value());
    QVERIFY(*seen);
    QCOMPARE((*seen)->body, QByteArray("hello"));
    QTRY_VERIFY(reply.isNull());

    // The context goes first: the request is dropped and the callback never runs.
    m_server->pushStall();
    bool called = false;
    {
        QObject shortLived;
        reply = m_client->send(QNetworkRequest(m_server->url(u"/y"_s)), "GET", {}, {}, &shortLived,
                               [&called](const Result<HttpResponse> &) { called = true; });
        QTRY_COMPARE(m_server->received().size(), 2);
    }
    QTRY_VERIFY(reply.isNull());
    QTest::qWait(50);
    QVERIFY(!called);
}

void tst_ResilientClient::messagesCarryNoSecrets()
{
    m_server->push(401, "Unauthorized", statusBody(401, "Unauthorized", "Unauthorized"));
    QNetworkRequest request(m_server->url(u"/api/v1/pods?token=querysecret"_s));
    request.setRawHeader("Authorization", "Bearer headersecret");
    std::unique_ptr<ResilientReply> reply(m_client->send(request));
    QSignalSpy finished(reply.get(), &ResilientReply::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY(!reply->result());
    const QString text = toString(reply->result().error());
    QCOMPARE(toString(reply->result().error().kind), toString(ErrorKind::Unauthorized));
    QVERIFY2(!text.contains(u"secret"_s), qPrintable(text));
    QVERIFY(text.contains(u"/api/v1/pods: HTTP 401"_s));
}

QTEST_GUILESS_MAIN(tst_ResilientClient)
#include "tst_resilientclient.moc"
