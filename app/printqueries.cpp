#include "printqueries.h"

#include "subcommand.h"

#include "querybuilder.h"
#include "querywindow.h"

#include <cstdio>

namespace Opsdeck {

using namespace AppInsights;

Result<QString> renderQueries(const Options &options)
{
    const auto dialect = parseDialect(options.queryDialect.isEmpty() ? QStringLiteral("workspace") : options.queryDialect);
    if (!dialect)
        return tl::unexpected(dialect.error());
    const auto builder = QueryBuilder::create(*dialect, options.queryServices);
    if (!builder)
        return tl::unexpected(builder.error());
    QList<QueryWindow> windows = QueryWindow::all();
    if (!options.queryWindow.isEmpty()) {
        const auto window = QueryWindow::parse(options.queryWindow);
        if (!window)
            return tl::unexpected(window.error());
        windows = {*window};
    }
    QStringList blocks;
    for (const QueryWindow &window : std::as_const(windows)) {
        for (const TelemetryQuery &query : builder->queries(window)) {
            blocks << QStringLiteral("// %1, %2 dialect, window %3 (timespan %4): %5\n// columns: %6\n%7\n")
                          .arg(query.id(), toString(query.dialect), window.label(), query.timespan(), query.title(),
                               query.columns.join(QStringLiteral(", ")), query.text);
        }
    }
    return blocks.join(QStringLiteral("----\n"));
}

int printQueries(const Options &options)
{
    const auto text = renderQueries(options);
    if (!text) {
        const Error &e = text.error();
        const QString line = e.hint.isEmpty() ? e.message : e.message + QStringLiteral(". ") + e.hint;
        std::fprintf(stderr, "opsdeck: --print-queries: %s\n", line.toUtf8().constData());
        return ExitCode::Usage;
    }
    std::fputs(text->toUtf8().constData(), stdout);
    return ExitCode::Done;
}

} // namespace Opsdeck
