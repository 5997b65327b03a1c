#pragma once

// Reads one Kubernetes object (API-CONTRACTS §1 "Objects") from a simdjson on-demand value straight
// into the compact value type of its kind, keeping only what Opsdeck shows. Used for list items and
// watch event objects alike, on the source's worker thread.

#include "jsonread.h"
#include "observation.h"

#include <QString>

struct ParseOptions
{
    QString appLabel = QStringLiteral("app");                        // DESIGN §3
    QString fallbackAppLabel = QStringLiteral("app.kubernetes.io/name");
    QString trackLabel = QStringLiteral("version");                  // stable | canary
};

struct ParsedObject
{
    QString name;
    QString ns;
    QString resourceVersion;
    Opsdeck::KubernetesObject object;
};

class ObjectParser
{
public:
    // Throws simdjson::simdjson_error on malformed JSON; fields of the wrong type read as absent.
    static ParsedObject parse(Opsdeck::ResourceKind kind, JsonRead::Value &object, const ParseOptions &options);
};
