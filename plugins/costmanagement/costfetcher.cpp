#include "costfetcher.h"

#include "budgetparser.h"
#include "costmanagementlogging.h"

#include "resilientclient.h"
#include "retrypolicy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

#include <cmath>

using namespace Opsdeck;

namespace {

const QString QueryApiVersion = QStringLiteral("2023-03-01");
const QString BudgetApiVersion = QStringLiteral("2024-08-01");

QJsonObject costAggregation()
{
    return QJsonObject{{QStringLiteral("totalCost"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Cost")},
                                                                 {QStringLiteral("function"), QStringLiteral("Sum")}}}};
}

QJsonObject timePeriod(const QDate &from, const QDate &to)
{
    return QJsonObject{{QStringLiteral("from"), from.toString(Qt::ISODate) + QStringLiteral("T00:00:00+00:00")},
                       {QStringLiteral("to"), to.toString(Qt::ISODate) + QStringLiteral("T23:59:59+00:00")}};
}

} // namespace

CostFetcher::CostFetcher(ResilientClient *http, CostAuth auth, Settings settings, QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_auth(std::move(auth))
    , m_settings(std::move(settings))
{
}

QString CostFetcher::scopeFor(const QString &subscriptionId, const QString &scopeOrResourceGroup)
{
    const QString scope = scopeOrResourceGroup.trimmed();
    if (scope.isEmpty())
        return QStringLiteral("/subscriptions/%1").arg(subscriptionId);
    if (scope.startsWith(QLatin1Char('/')))
        return scope.endsWith(QLatin1Char('/')) ? scope.chopped(1) : scope;
    if (scope.startsWith(QLatin1String("subscriptions/"), Qt::CaseInsensitive))
        return QLatin1Char('/') + scope;
    return QStringLiteral("/subscriptions/%1/resourceGroups/%2").arg(subscriptionId, scope);
}

QByteArray CostFetcher::queryBody(const QString &timeframe, const QString &tagName, const QDate &from, const QDate &to)
{
    QJsonObject body{{QStringLiteral("type"), QStringLiteral("ActualCost")},
                     {QStringLiteral("timeframe"), timeframe},
                     {QStringLiteral("dataset"),
                      QJsonObject{{QStringLiteral("granularity"), QStringLiteral("Daily")},
                                  {QStringLiteral("aggregation"), costAggregation()},
                                  {QStringLiteral("grouping"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("TagKey")},
                                                                                      {QStringLiteral("name"), tagName}}}}}}};
    if (timeframe == QLatin1String("Custom"))
        body.insert(QStringLiteral("timePeriod"), timePeriod(from, to));
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray CostFetcher::forecastBody(const QDate &from, const QDate &to, const QString &tagName, const std::optional<QString> &tagValue)
{
    QJsonObject dataset{{QStringLiteral("granularity"), QStringLiteral("Daily")}, {QStringLiteral("aggregation"), costAggregation()}};
    if (tagValue) {
        // The only per-service forecast there is: a tags filter (operator In only).
        dataset.insert(QStringLiteral("filter"),
                       QJsonObject{{QStringLiteral("tags"), QJsonObject{{QStringLiteral("name"), tagName},
                                                                        {QStringLiteral("operator"), QStringLiteral("In")},
                                                                        {QStringLiteral("values"), QJsonArray{*tagValue}}}}});
    }
    const QJsonObject body{{QStringLiteral("type"), QStringLiteral("ActualCost")},
                           {QStringLiteral("timeframe"), QStringLiteral("Custom")}, // the only one forecast takes
                           {QStringLiteral("timePeriod"), timePeriod(from, to)},
                           {QStringLiteral("dataset"), dataset},
                           // Both: today's cost so far comes as an Actual row (already in the month to date, dropped)
                           // and today's Forecast row is only the rest of the day.
                           {QStringLiteral("includeActualCost"), true},
                           {QStringLiteral("includeFreshPartialCost"), true}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

std::optional<std::chrono::seconds> CostFetcher::throttleWait(const HttpResponse &response, const QDateTime &now)
{
    std::optional<std::chrono::seconds> longest;
    for (const auto &[name, value] : response.headers) {
        if (!name.toLower().endsWith("retry-after"))
            continue;
        std::optional<std::chrono::seconds> wait = RetryPolicy::parseRetryAfter(value, now);
        if (!wait) {
            // Fractional seconds ("1.5") are rounded up.
            bool ok = false;
            const double seconds = value.trimmed().toDouble(&ok);
            if (ok && seconds >= 0)
                wait = std::chrono::seconds(qint64(std::ceil(seconds)));
        }
        if (wait && (!longest || *wait > *longest))
            longest = wait;
    }
    return longest;
}

QUrl CostFetcher::url(const QString &provider, const QString &apiVersion) const
{
    QString base = m_settings.armEndpoint.toString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QUrl url(base + m_settings.scope + QStringLiteral("/providers/") + provider);
    url.setQuery(QStringLiteral("api-version=") + apiVersion);
    return url;
}

bool CostFetcher::fetch(const QDate &today, Done done)
{
    if (m_running)
        return false;
    m_running = true;
    m_done = std::move(done);
    m_answers = CostAnswers{};
    m_answers.scope = m_settings.scope;
    m_answers.fetchedAt = QDateTime::currentDateTimeUtc();
    m_forecastQueue.clear();
    m_totalForecastDone = false;

    const QDate firstOfMonth(today.year(), today.month(), 1);
    QByteArray currentBody;
    QByteArray previousBody;
    if (m_settings.period == Period::MonthToDate) {
        m_answers.asOf = today;
        currentBody = queryBody(QStringLiteral("MonthToDate"), m_settings.tagName);
        previousBody = queryBody(QStringLiteral("TheLastMonth"), m_settings.tagName);
    } else {
        m_answers.asOf = firstOfMonth.addDays(-1);
        const QDate before = firstOfMonth.addMonths(-2);
        currentBody = queryBody(QStringLiteral("TheLastMonth"), m_settings.tagName);
        previousBody = queryBody(QStringLiteral("Custom"), m_settings.tagName, before, QDate(before.year(), before.month(), before.daysInMonth()));
    }
    m_forecastFrom = m_answers.asOf;
    m_forecastTo = QDate(m_answers.asOf.year(), m_answers.asOf.month(), m_answers.asOf.daysInMonth());

    const QUrl queryUrl = url(QStringLiteral("Microsoft.CostManagement/query"), QueryApiVersion);
    postPaged(queryUrl, currentBody, tr("cost query (period)"), [this, queryUrl, previousBody](const Rows &current) {
        if (!current) {
            finish(tl::unexpected(current.error()));
            return;
        }
        m_answers.current = *current;
        postPaged(queryUrl, previousBody, tr("cost query (month before)"), [this](const Rows &previous) {
            if (!previous) {
                finish(tl::unexpected(previous.error()));
                return;
            }
            m_answers.previous = *previous;
            getBudgets(url(QStringLiteral("Microsoft.Consumption/budgets"), BudgetApiVersion),
                       [this](const Result<QList<CostBudget>> &budgets) {
                           if (budgets)
                               m_answers.budgets = *budgets;
                           else
                               m_answers.partialErrors.append(budgets.error());
                           if (m_settings.forecast && m_settings.period == Period::MonthToDate) {
                               QStringList tags;
                               for (const CostRow &row : std::as_const(m_answers.current)) {
                                   if (!row.group.trimmed().isEmpty() && !tags.contains(row.group))
                                       tags << row.group;
                               }
                               tags.sort();
                               m_forecastQueue = tags;
                           } else {
                               m_totalForecastDone = true;
                           }
                           nextForecast();
                       });
        });
    });
    return true;
}

void CostFetcher::nextForecast()
{
    const QUrl forecastUrl = url(QStringLiteral("Microsoft.CostManagement/forecast"), QueryApiVersion);
    if (!m_totalForecastDone) {
        m_totalForecastDone = true;
        postPaged(forecastUrl, forecastBody(m_forecastFrom, m_forecastTo, m_settings.tagName, std::nullopt), tr("cost forecast"),
                  [this](const Rows &rows) {
                      if (rows)
                          m_answers.totalForecast = *rows;
                      else
                          m_answers.partialErrors.append(rows.error());
                      nextForecast();
                  });
        return;
    }
    if (m_forecastQueue.isEmpty()) {
        finish(m_answers);
        return;
    }
    const QString tag = m_forecastQueue.takeFirst();
    postPaged(forecastUrl, forecastBody(m_forecastFrom, m_forecastTo, m_settings.tagName, tag), tr("cost forecast of %1").arg(tag),
              [this, tag](const Rows &rows) {
                  if (rows)
                      m_answers.forecastByTag.insert(tag, *rows);
                  else
                      m_answers.partialErrors.append(rows.error());
                  nextForecast();
              });
}

void CostFetcher::finish(const Result<CostAnswers> &result)
{
    m_running = false;
    Done done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(result);
}

void CostFetcher::postPaged(const QUrl &url, const QByteArray &body, const QString &what, std::function<void(const Rows &)> done,
                            QList<CostRow> soFar)
{
    send("POST", url, body, what, [this, body, what, done, soFar](const Response &response) mutable {
        if (!response) {
            done(tl::unexpected(response.error()));
            return;
        }
        const auto page = CostQueryParser::parse(response->status == 204 ? QByteArray() : response->body);
        if (!page) {
            Error error = page.error();
            error.message = what + QStringLiteral(": ") + error.message;
            done(tl::unexpected(error));
            return;
        }
        soFar.append(page->rows);
        if (page->nextLink.isEmpty()) {
            done(soFar);
            return;
        }
        // Paging: POST the same body to nextLink until there is none (API-CONTRACTS §4).
        postPaged(page->nextLink, body, what, std::move(done), std::move(soFar));
    });
}

void CostFetcher::getBudgets(const QUrl &url, std::function<void(const Result<QList<CostBudget>> &)> done, QList<CostBudget> soFar)
{
    send("GET", url, {}, tr("budget list"), [this, done, soFar](const Response &response) mutable {
        if (!response) {
            done(tl::unexpected(response.error()));
            return;
        }
        const auto page = BudgetParser::parse(response->body, m_settings.tagName);
        if (!page) {
            done(tl::unexpected(page.error()));
            return;
        }
        soFar.append(page->budgets);
        if (page->nextLink.isEmpty())
            done(soFar);
        else
            getBudgets(page->nextLink, std::move(done), std::move(soFar));
    });
}

void CostFetcher::send(const QByteArray &method, const QUrl &url, const QByteArray &body, const QString &what,
                       std::function<void(const Response &)> done, int throttleAttempt, bool retriedAuth)
{
    m_auth.token(this, [=, this](const Result<QByteArray> &token) {
        if (!token) {
            done(tl::unexpected(token.error()));
            return;
        }
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + *token);
        request.setRawHeader("Accept", "application/json");
        if (m_settings.ssl)
            request.setSslConfiguration(*m_settings.ssl);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        RequestOptions options;
        options.what = what;
        options.idempotent = true; // query and forecast are reads sent as POST
        options.acceptedStatuses = {401, 429}; // ours to handle: a fresh token; the throttling headers
        m_http->send(request, method, body, options, this, [=, this](const Response &response) {
            if (!response) {
                done(response);
                return;
            }
            if (response->status == 401) {
                if (!retriedAuth) {
                    m_auth.invalidate();
                    send(method, url, body, what, done, throttleAttempt, true);
                    return;
                }
                done(makeError(ErrorKind::Unauthorized, QStringLiteral("%1: %2 %3: HTTP 401").arg(what, QString::fromLatin1(method), url.adjusted(QUrl::RemoveQuery).toString()),
                               QStringLiteral("Check that the Azure identity may read Cost Management for the scope (Cost Management Reader).")));
                return;
            }
            if (response->status == 429) {
                const auto asked = throttleWait(*response, QDateTime::currentDateTimeUtc());
                // No header: back off 5 s, 10 s, 20 s …
                const std::chrono::seconds wait = asked.value_or(std::chrono::seconds(5LL << qMin(throttleAttempt, 6)));
                if (throttleAttempt + 1 >= m_settings.maxThrottleAttempts || wait > m_settings.maxThrottleWait) {
                    Error error{ErrorKind::Throttled,
                                QStringLiteral("%1: throttled by Cost Management (HTTP 429) after %2 attempts").arg(what).arg(throttleAttempt + 1),
                                QStringLiteral("Cost Management allows a few queries a minute per scope; Opsdeck tries again at the next refresh."),
                                wait};
                    done(tl::unexpected(error));
                    return;
                }
                qCInfo(lcCostManagement).noquote() << what << "throttled (429): waiting" << wait.count() << "s";
                Q_EMIT throttled(int(wait.count()), what);
                QTimer::singleShot(wait, this, [=, this] { send(method, url, body, what, done, throttleAttempt + 1, retriedAuth); });
                return;
            }
            done(response);
        });
    });
}
