// fuzz-watchlines: a watch response body as Informer reads it (plugins/kubernetes/informer.cpp): chunks of
// whatever size the network delivers go through WatchLineSplitter, each complete line through
// ResponseParser::parseEvent with one parser reused for the whole stream.
// Input: byte 0 picks the kind (fuzzkinds.h), byte 1 the chunk size (1..256), the rest is the body.
// Besides crashes it checks that chunking never changes the lines and that every decoded object has the
// value type of its kind.

#include "fuzzkinds.h"
#include "responseparser.h"
#include "watchlinesplitter.h"

#include <cstdio>
#include <cstdlib>

using namespace Opsdeck;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz-watchlines: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const ResourceKind kind = FuzzKinds::pick(data[0]);
    const qsizetype chunkSize = qsizetype(data[1]) + 1;
    const QByteArray body(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));

    WatchLineSplitter whole;
    const QList<QByteArray> expected = whole.feed(body);

    WatchLineSplitter chunked;
    QList<QByteArray> lines;
    for (qsizetype at = 0; at < body.size(); at += chunkSize)
        lines.append(chunked.feed(body.mid(at, chunkSize)));
    if (lines != expected)
        fail("chunked lines differ from the lines of the whole body");
    if (chunked.pending() != whole.pending())
        fail("chunked pending tail differs from the whole body's");
    for (const QByteArray &line : lines) {
        if (line.contains('\n') || line.endsWith('\r') || line.trimmed().isEmpty())
            fail("a line kept its newline, its carriage return, or is blank");
    }

    ResponseParser parser;
    const ParseOptions options;
    for (QByteArray &line : lines) {
        const auto event = parser.parseEvent(kind, line, options);
        if (!event) {
            if (event.error().message.isEmpty())
                fail("an error without a message");
            continue;
        }
        switch (event->type) {
        case WatchEvent::Type::Added:
        case WatchEvent::Type::Modified:
        case WatchEvent::Type::Deleted:
            if (event->object.object.index() != size_t(kind) + 1)
                fail("the decoded object is not the value type of its kind");
            if (event->resourceVersion != event->object.resourceVersion)
                fail("the event's resourceVersion is not its object's");
            break;
        case WatchEvent::Type::Bookmark:
        case WatchEvent::Type::Error:
            break;
        }
    }
    return 0;
}
