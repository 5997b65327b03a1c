#pragma once

// One refresh of one scope, request by request (a scope gets ~4 calls a minute, API-CONTRACTS §4, so
// they go one at a time): the period's daily cost by the Service tag and the month before it, with
// `nextLink` paging; the scope's budgets; then the forecast to month end, unfiltered and per tag value
// (the forecast API has no grouping). Every request carries a bearer token for ARM; a 401 gets one
// fresh token; a 429 waits as long as the throttling headers say
// (x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after and its entity/tenant/client variants,
// x-ms-ratelimit-microsoft.consumption-retry-after, Retry-After) and tries again. Transport, timeouts,
// 5xx retries and the circuit breaker are ResilientClient's.

#include "costassembler.h"

#include "httpresponse.h"

#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <chrono>
#include <functional>

namespace Opsdeck {
class ResilientClient;
}

// How requests get their bearer token: `token` answers on `context`'s thread; `invalidate` after a 401.
struct CostAuth
{
    std::function<void(QObject *context, std::function<void(Opsdeck::Result<QByteArray>)>)> token;
    std::function<void()> invalidate;
};

class CostFetcher : public QObject
{
    Q_OBJECT

public:
    enum class Period {
        MonthToDate, // this month to today, against last month
        LastMonth,   // last month, against the month before it
    };

    struct Settings
    {
        QUrl armEndpoint;
        QString scope; // "/subscriptions/{id}[/resourceGroups/{rg}]"
        Period period = Period::MonthToDate;
        QString tagName = QStringLiteral("Service");
        int maxThrottleAttempts = 6;
        std::chrono::seconds maxThrottleWait{300}; // a longer wait fails the refresh as Throttled
        bool forecast = true;
        std::optional<QSslConfiguration> ssl; // trusts the config's caFile (the sim's CA) as well
    };
    using Done = std::function<void(const Opsdeck::Result<CostAnswers> &)>;

    CostFetcher(Opsdeck::ResilientClient *http, CostAuth auth, Settings settings, QObject *parent = nullptr);

    // Starts a refresh as of `today` (UTC); `done` runs once. False if one is already running.
    bool fetch(const QDate &today, Done done);
    bool isRunning() const { return m_running; }
    const Settings &settings() const { return m_settings; }

    // The wait a 429 asks for: the longest of every *retry-after header (seconds or an HTTP date).
    static std::optional<std::chrono::seconds> throttleWait(const Opsdeck::HttpResponse &response, const QDateTime &now);
    // The request bodies (API-CONTRACTS §4).
    static QByteArray queryBody(const QString &timeframe, const QString &tagName, const QDate &from = {}, const QDate &to = {});
    static QByteArray forecastBody(const QDate &from, const QDate &to, const QString &tagName, const std::optional<QString> &tagValue);
    // "/subscriptions/x" or "/subscriptions/x/resourceGroups/rg" from a scope setting: a path is kept,
    // a bare name is a resource group of the subscription.
    static QString scopeFor(const QString &subscriptionId, const QString &scopeOrResourceGroup);

Q_SIGNALS:
    // A 429 was answered by waiting `seconds` before trying again.
    void throttled(int seconds, const QString &what);

private:
    using Rows = Opsdeck::Result<QList<CostRow>>;
    using Response = Opsdeck::Result<Opsdeck::HttpResponse>;

    QUrl url(const QString &provider, const QString &apiVersion) const;
    void send(const QByteArray &method, const QUrl &url, const QByteArray &body, const QString &what,
              std::function<void(const Response &)> done, int throttleAttempt = 0, bool retriedAuth = false);
    void postPaged(const QUrl &url, const QByteArray &body, const QString &what, std::function<void(const Rows &)> done,
                   QList<CostRow> soFar = {});
    void getBudgets(const QUrl &url, std::function<void(const Opsdeck::Result<QList<Opsdeck::CostBudget>> &)> done,
                    QList<Opsdeck::CostBudget> soFar = {});
    void nextForecast();
    void finish(const Opsdeck::Result<CostAnswers> &result);

    Opsdeck::ResilientClient *m_http;
    CostAuth m_auth;
    Settings m_settings;
    bool m_running = false;
    Done m_done;
    CostAnswers m_answers;
    QStringList m_forecastQueue; // tag values still to forecast
    bool m_totalForecastDone = false;
    QDate m_forecastFrom;
    QDate m_forecastTo;
};
