#pragma once

// Value types of the action flow (DESIGN §8): what can be done, the request, its preview as a diff, and
// the status of a running operation. Plain values so they cross threads and go into the journal.

#include "error.h"
#include "kubernetesobjects.h"
#include "servicekey.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QUuid>
#include <QVariantMap>

#include <optional>

namespace Opsdeck {

struct ActionDescriptor
{
    QString id;          // kebab-case, as in the plugin's metadata "actions": canary-weight, rollout-undo, …
    QString title;       // "Shift canary weight"
    QString description;
    bool destructive = false; // needs a typed confirmation (DESIGN §8)
    bool available = true;    // applies in principle but not now (e.g. no canary running)
    QString unavailableReason;

    friend bool operator==(const ActionDescriptor &, const ActionDescriptor &) = default;
};

struct ActionRequest
{
    QUuid id;            // chosen by the caller; every signal about this request carries it
    QString actionId;
    ServiceKey service;
    Track track = Track::Stable;
    QVariantMap parameters; // action specific: {"weight": 20}, {"replicas": 3}, {"toRevision": 4}

    friend bool operator==(const ActionRequest &, const ActionRequest &) = default;
};

// One step of a multi-step action (promote: template onto stable, wait for rollout, weight 0, canary to
// 0). A preview lists the planned steps; a running operation reports each step's request and the server's
// answer so the journal records them (DESIGN §8).
struct ActionStep
{
    enum class State {
        Pending,
        Running,
        Succeeded,
        Failed,
        Skipped,
    };

    QString title;            // "Set canary weight to 0"
    State state = State::Pending;
    bool destructive = false; // needs the service name typed before the action runs
    QString request;          // what was sent: "PATCH /apis/networking.k8s.io/v1/… {…}"
    int httpStatus = 0;       // the server's answer; 0 = none yet
    QString response;         // the server's message (or a summary of its answer)
    QDateTime started;
    QDateTime finished;

    friend bool operator==(const ActionStep &, const ActionStep &) = default;
};

// One line of a preview's diff: `kind/name field: from → to` (CLI.md `changes[]`).
struct ActionChange
{
    QString kind;
    QString name;
    QString field;
    QString from;
    QString to;

    friend bool operator==(const ActionChange &, const ActionChange &) = default;
};

struct ActionPreview
{
    QUuid requestId;
    bool allowed = false;   // permission check (SelfSubjectAccessReview) result
    QString deniedReason;
    QList<ActionChange> changes; // from the server-side dry run
    QStringList warnings;
    QList<ActionStep> steps; // the planned steps, in order
    bool destructive = false; // this request, as previewed, needs a typed confirmation (weight 100, scale 0)

    friend bool operator==(const ActionPreview &, const ActionPreview &) = default;
};

struct OperationStatus
{
    enum class State {
        Pending,
        Running,
        Succeeded,
        Failed,
        Refused, // not done on purpose: forbidden, conflict, precondition
    };

    QUuid requestId;
    QString actionId;
    ServiceKey service;
    State state = State::Pending;
    int percent = -1;        // -1 = unknown
    QString message;         // the current step, for people
    QDateTime started;
    QDateTime updated;
    std::optional<Error> error;
    QList<ActionChange> changes; // what was applied
    QList<ActionStep> steps;      // every step with its request and answer so far; empty for one-shot actions
    // What a resumed operation needs to find its target again (ActionProvider::resume).
    Track track = Track::Stable;
    QVariantMap parameters;

    bool isFinal() const
    {
        return state == State::Succeeded || state == State::Failed || state == State::Refused;
    }
    friend bool operator==(const OperationStatus &, const OperationStatus &) = default;
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::ActionDescriptor)
Q_DECLARE_METATYPE(Opsdeck::ActionRequest)
Q_DECLARE_METATYPE(Opsdeck::ActionChange)
Q_DECLARE_METATYPE(Opsdeck::ActionStep)
Q_DECLARE_METATYPE(Opsdeck::ActionPreview)
Q_DECLARE_METATYPE(Opsdeck::OperationStatus)
