#pragma once

// One ARM Microsoft.Sql database resource (API-CONTRACTS §5, docs/sim-azure.md "Azure SQL") as Opsdeck's
// SqlDatabase: its id, server (from the id), name, `Service` tag, region, status, service objective,
// size limit and dates (UTC). A resource without a name or properties object is an Error{Invalid}.

#include "error.h"
#include "observation.h"

#include <QJsonObject>

Opsdeck::Result<Opsdeck::SqlDatabase> parseSqlDatabase(const QJsonObject &resource);

// The tag naming a database's service ("Service"; tag names compare case-insensitively, as in ARM).
QString serviceTagOf(const QJsonObject &tags);
// The `{server}` segment of ".../servers/{server}/databases/{db}", empty when the id has none.
QString serverOfDatabaseId(const QString &armId);
// An ARM date ("2026-11-26T09:00:00.000Z", any fraction, a zone or none = UTC) in UTC; invalid if unreadable.
QDateTime parseArmDate(const QString &text);
