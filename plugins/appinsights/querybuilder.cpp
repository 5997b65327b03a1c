#include "querybuilder.h"

#include "kqlname.h"

namespace Opsdeck::AppInsights {

namespace {

const QStringList kTracks{QStringLiteral("stable"), QStringLiteral("canary")};

QString quotedList(const QStringList &names)
{
    QStringList quoted;
    for (const QString &n : names)
        quoted << KqlName::quoted(n);
    return quoted.join(QStringLiteral(", "));
}

} // namespace

QueryBuilder::QueryBuilder(Dialect dialect, QStringList services)
    : m_dialect(dialect), m_services(std::move(services))
{
}

Result<QueryBuilder> QueryBuilder::create(Dialect dialect, const QStringList &services)
{
    QStringList checked;
    for (const QString &name : services) {
        auto ok = KqlName::service(name);
        if (!ok)
            return tl::unexpected(ok.error());
        if (!checked.contains(*ok))
            checked << *ok;
    }
    return QueryBuilder(dialect, checked);
}

QList<TelemetryQuery::Kind> QueryBuilder::kinds()
{
    using K = TelemetryQuery::Kind;
    return {K::Requests, K::Dependencies, K::Resilience, K::Failures};
}

QStringList QueryBuilder::resilienceEvents()
{
    return {QStringLiteral("OnCircuitOpened"), QStringLiteral("OnCircuitHalfOpened"), QStringLiteral("OnCircuitClosed"),
            QStringLiteral("OnRetry"),         QStringLiteral("OnTimeout"),           QStringLiteral("OnFallback")};
}

QString QueryBuilder::col(const char *workspace, const char *classic) const
{
    return QLatin1String(m_dialect == Dialect::Workspace ? workspace : classic);
}

QString QueryBuilder::head(const QString &table, const QueryWindow &window, const QString &extraWhere,
                           const QString &extraExtend, const QString &extraTrackCondition) const
{
    const QString time = col("TimeGenerated", "timestamp");
    const QString role = col("AppRoleName", "cloud_RoleName");
    const QString props = col("Properties", "customDimensions");
    QString q = table + u'\n';
    q += QStringLiteral("| where %1 > ago(%2)\n").arg(time, window.kqlSpan());
    if (!extraWhere.isEmpty())
        q += QStringLiteral("| where %1\n").arg(extraWhere);
    if (!m_services.isEmpty())
        q += QStringLiteral("| where %1 in (%2)\n").arg(role, quotedList(m_services));
    // DESIGN §3: the service is the role name, the track the `version` custom dimension.
    q += QStringLiteral("| extend Service = %1, Track = tostring(%2.version)%3\n")
             .arg(role, props, extraExtend.isEmpty() ? QString() : QStringLiteral(", ") + extraExtend);
    q += QStringLiteral("| where Track in (%1)%2\n")
             .arg(quotedList(kTracks), extraTrackCondition.isEmpty() ? QString() : QStringLiteral(" and ") + extraTrackCondition);
    return q;
}

TelemetryQuery QueryBuilder::build(TelemetryQuery::Kind kind, const QueryWindow &window) const
{
    TelemetryQuery query;
    query.kind = kind;
    query.dialect = m_dialect;
    query.window = window;
    const QString time = col("TimeGenerated", "timestamp");
    const QString count = col("ItemCount", "itemCount");
    const QString success = col("Success", "success");
    const QString bin = QStringLiteral("TimeBin = bin(%1, %2)").arg(time, window.kqlBin());
    const QString order = QStringLiteral("| order by Service asc, Track asc, TimeBin asc");
    // Rows are sampled (each stands for ItemCount items): count with sum(ItemCount), never count().
    switch (kind) {
    case TelemetryQuery::Kind::Requests:
        query.text = head(col("AppRequests", "requests"), window, {}, {}, {})
            + QStringLiteral("| summarize Requests = sum(%1), FailedRequests = sumif(%1, %2 == false),\n"
                             "    (P50Ms, P95Ms, P99Ms) = percentiles(%3, 50, 95, 99)\n"
                             "    by Service, Track, %4\n")
                  .arg(count, success, col("DurationMs", "duration"), bin)
            + order;
        query.columns = QStringList{QStringLiteral("Service"), QStringLiteral("Track"), QStringLiteral("TimeBin"),
                                    QStringLiteral("Requests"), QStringLiteral("FailedRequests"), QStringLiteral("P50Ms"),
                                    QStringLiteral("P95Ms"), QStringLiteral("P99Ms")};
        break;
    case TelemetryQuery::Kind::Dependencies:
        query.text = head(col("AppDependencies", "dependencies"), window, {}, {}, {})
            + QStringLiteral("| summarize DependencyCalls = sum(%1), DependencyFailures = sumif(%1, %2 == false)\n"
                             "    by Service, Track, %3\n")
                  .arg(count, success, bin)
            + order;
        query.columns = QStringList{QStringLiteral("Service"), QStringLiteral("Track"), QStringLiteral("TimeBin"),
                                    QStringLiteral("DependencyCalls"), QStringLiteral("DependencyFailures")};
        break;
    case TelemetryQuery::Kind::Resilience: {
        // Polly v8's counter (API-CONTRACTS §7); a counter's Sum / valueSum is how often it fired.
        const QString props = col("Properties", "customDimensions");
        query.text = head(col("AppMetrics", "customMetrics"), window,
                          QStringLiteral("%1 == %2").arg(col("Name", "name"), KqlName::quoted(QStringLiteral("resilience.polly.strategy.events"))),
                          QStringLiteral("Event = tostring(%1[%2])").arg(props, KqlName::quoted(QStringLiteral("event.name"))),
                          QStringLiteral("Event in (%1)").arg(quotedList(resilienceEvents())))
            + QStringLiteral("| summarize Events = sum(%1)\n"
                             "    by Service, Track, Event, %2\n")
                  .arg(col("Sum", "valueSum"), bin)
            + QStringLiteral("| order by Service asc, Track asc, Event asc, TimeBin asc");
        query.columns = QStringList{QStringLiteral("Service"), QStringLiteral("Track"), QStringLiteral("Event"),
                                    QStringLiteral("TimeBin"), QStringLiteral("Events")};
        break;
    }
    case TelemetryQuery::Kind::Failures:
        query.text = head(col("AppRequests", "requests"), window, {}, {}, {})
            + QStringLiteral("| summarize Total = sum(%1), Failures = sumif(%1, %2 == false)\n"
                             "    by Service, Track, Operation = %3, %4\n")
                  .arg(count, success, col("OperationName", "operation_Name"),
                       m_dialect == Dialect::Workspace ? QStringLiteral("ResultCode") : QStringLiteral("ResultCode = resultCode"))
            + QStringLiteral("| order by Failures desc, Total desc");
        query.columns = QStringList{QStringLiteral("Service"), QStringLiteral("Track"), QStringLiteral("Operation"),
                                    QStringLiteral("ResultCode"), QStringLiteral("Total"), QStringLiteral("Failures")};
        break;
    }
    return query;
}

QList<TelemetryQuery> QueryBuilder::queries(const QueryWindow &window) const
{
    QList<TelemetryQuery> all;
    for (const TelemetryQuery::Kind kind : kinds())
        all << build(kind, window);
    return all;
}

} // namespace Opsdeck::AppInsights
