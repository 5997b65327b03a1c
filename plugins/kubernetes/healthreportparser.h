#pragma once

// Reads one /health answer (API-CONTRACTS §7): the HealthChecks UIResponseWriter JSON (status,
// totalDuration, entries{name:{status, description, duration, data{circuitState}, tags}}), or the default
// writer's plain "Healthy" | "Degraded" | "Unhealthy". An entry is a circuit breaker when it carries
// data.circuitState, the tag "circuit-breaker", or a description saying "circuit breaker is open" (the
// seed's wording); its state comes from circuitState, else from the description.

#include "observation.h"

#include <QByteArray>
#include <QList>

#include <optional>

class HealthReportParser
{
public:
    struct Breaker
    {
        QString name;                       // the entry's name (the dependency's pipeline)
        Opsdeck::BreakerState::State state = Opsdeck::BreakerState::State::Closed;
        QDateTime lastTransition;           // data.lastTransition, when the service says
    };
    struct Parsed
    {
        Opsdeck::HealthStatus status = Opsdeck::HealthStatus::Unknown;
        QList<Opsdeck::HealthEntry> entries; // in name order
        QList<Breaker> breakers;             // in name order
    };

    // Error{Invalid} when the body is neither form (a Kubernetes Status from the proxy is not a report).
    static Opsdeck::Result<Parsed> parse(const QByteArray &body);
    // "Healthy" | "Degraded" | "Unhealthy", case-insensitive; Unknown otherwise.
    static Opsdeck::HealthStatus statusFrom(const QString &word);
    // "Closed" | "Open" | "HalfOpen" | "Isolated" (also "half-open", "half open"); nullopt otherwise.
    static std::optional<Opsdeck::BreakerState::State> breakerStateFrom(const QString &word);
    // A .NET TimeSpan "[d.]hh:mm:ss[.fffffff]" in milliseconds; nullopt when it is not one.
    static std::optional<double> timeSpanMs(const QString &text);
};
