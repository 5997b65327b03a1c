#pragma once

// Renders the appinsights source's KQL from templates, in either dialect: table and column names come
// from the dialect, service and track names are validated (KqlName) and quoted, never pasted. Without
// services the queries cover every AppRoleName / cloud_RoleName; with them, only those.

#include "dialect.h"
#include "querywindow.h"
#include "telemetryquery.h"

#include "error.h"

#include <QList>
#include <QStringList>

namespace Opsdeck::AppInsights {

class QueryBuilder
{
public:
    // Error{Config} naming the first bad service name.
    static Result<QueryBuilder> create(Dialect dialect, const QStringList &services = {});

    Dialect dialect() const { return m_dialect; }
    QStringList services() const { return m_services; }

    TelemetryQuery build(TelemetryQuery::Kind kind, const QueryWindow &window) const;
    // Every query of one refresh, in kinds() order.
    QList<TelemetryQuery> queries(const QueryWindow &window) const;

    static QList<TelemetryQuery::Kind> kinds();
    // The Polly events the source reads (API-CONTRACTS §7), as metric "resilience:<event>".
    static QStringList resilienceEvents();

private:
    QueryBuilder(Dialect dialect, QStringList services);

    // The first lines every template shares: table, time filter, optional service filter, Service and
    // Track columns, track filter (plus `extra` extends and conditions).
    QString head(const QString &table, const QueryWindow &window, const QString &extraWhere,
                 const QString &extraExtend, const QString &extraTrackCondition) const;
    QString col(const char *workspace, const char *classic) const;

    Dialect m_dialect;
    QStringList m_services;
};

} // namespace Opsdeck::AppInsights
