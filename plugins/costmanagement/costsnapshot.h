#pragma once

// Everything the source knows about one scope after a refresh: the series per Service tag value and the
// budgets. It is what the source publishes (one batch) and what the cache keeps, as JSON.

#include "error.h"
#include "observation.h"

#include <QJsonObject>

#include <vector>

struct CostSnapshot
{
    QString scope;
    QDate asOf;
    QDateTime fetchedAt;
    QList<Opsdeck::CostSeries> series;
    QList<Opsdeck::CostBudget> budgets;

    QJsonObject toJson() const;
    static Opsdeck::Result<CostSnapshot> fromJson(const QJsonObject &object);
    // The batch to publish; `cached` marks every value as replayed from the cache.
    std::vector<Opsdeck::Observation> observations(bool cached) const;
};
