// fuzz-healthreport: one /health answer through HealthReportParser::parse (plugins/kubernetes), the
// UIResponseWriter JSON or the default writer's status word, plus its word and TimeSpan readers on the
// same text. Besides crashes it checks what the parser promises: entries and breakers in name order,
// every breaker one of the entries, durations that are numbers, not negative.

#include "healthreportparser.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace Opsdeck;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz-healthreport: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString text = QString::fromUtf8(body);
    (void)HealthReportParser::statusFrom(text);
    (void)HealthReportParser::breakerStateFrom(text);
    if (const auto ms = HealthReportParser::timeSpanMs(text); ms && !(*ms >= 0))
        fail("a TimeSpan read as a negative number or NaN");

    const auto parsed = HealthReportParser::parse(body);
    if (!parsed) {
        if (parsed.error().message.isEmpty())
            fail("an error without a message");
        return 0;
    }
    QStringList entryNames;
    for (const HealthEntry &entry : parsed->entries) {
        if (!entryNames.isEmpty() && entry.name < entryNames.last())
            fail("entries are not in name order");
        if (!(entry.durationMs >= 0))
            fail("an entry's duration is negative or NaN");
        entryNames.append(entry.name);
    }
    QString previous;
    for (const HealthReportParser::Breaker &breaker : parsed->breakers) {
        if (!entryNames.contains(breaker.name))
            fail("a breaker that is not one of the entries");
        if (!previous.isNull() && breaker.name < previous)
            fail("breakers are not in name order");
        previous = breaker.name;
    }
    return 0;
}
