#include "dialect.h"

namespace Opsdeck::AppInsights {

QString toString(Dialect dialect)
{
    return dialect == Dialect::Classic ? QStringLiteral("classic") : QStringLiteral("workspace");
}

Result<Dialect> parseDialect(const QString &text)
{
    if (text == u"workspace")
        return Dialect::Workspace;
    if (text == u"classic")
        return Dialect::Classic;
    return makeError(ErrorKind::Config, QStringLiteral("unknown Application Insights dialect '%1'").arg(text),
                     QStringLiteral("Use 'workspace' (AppRequests, … in a Log Analytics workspace) or 'classic' "
                                    "(requests, … of a classic Application Insights resource)."));
}

} // namespace Opsdeck::AppInsights
