#pragma once

// Names that go into KQL: checked against what they can be, then quoted as string literals. A query is
// built only from constant text and quoted names — never from text a user typed (DESIGN §7).

#include "error.h"

#include <QString>

namespace Opsdeck::AppInsights {

class KqlName
{
public:
    // A service name is a Kubernetes service name: a DNS-1123 label (1–63 of a-z, 0-9, '-', starting
    // and ending with a letter or digit). Anything else is an Error{Config} that says why.
    static Result<QString> service(const QString &name);
    // "stable" | "canary".
    static Result<QString> track(const QString &name);
    // `text` as a KQL string literal: "…" with \\, \", \n, \r, \t and other control characters escaped.
    static QString quoted(const QString &text);
};

} // namespace Opsdeck::AppInsights
