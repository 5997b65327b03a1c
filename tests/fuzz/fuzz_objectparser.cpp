// fuzz-objectparser: the object decoders of every kind (plugins/kubernetes/objectparser.cpp) as the plugin
// reaches them: a list page through ResponseParser::parseList, one object on its own through
// ObjectParser::parse (as a watch event's object is read), and the same body as a Status error answer.
// Input: byte 0 picks the kind (fuzzkinds.h), the rest is the JSON body.
// Besides crashes it checks that every decoded object has the value type of its kind.

#include "fuzzkinds.h"
#include "objectparser.h"
#include "responseparser.h"

#include <cstdio>
#include <cstdlib>

using namespace Opsdeck;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz-objectparser: %s\n", what);
    std::abort();
}

void checkKind(const ParsedObject &parsed, ResourceKind kind)
{
    if (parsed.object.index() != size_t(kind) + 1)
        fail("the decoded object is not the value type of its kind");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const ResourceKind kind = FuzzKinds::pick(data[0]);
    const QByteArray input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const ParseOptions options;
    ResponseParser parser;

    QByteArray listBody = input;
    if (const auto page = parser.parseList(kind, listBody, options)) {
        for (const ParsedObject &item : page->items)
            checkKind(item, kind);
    } else if (page.error().message.isEmpty()) {
        fail("an error without a message");
    }

    // One object on its own, with the padding simdjson needs and nothing else.
    const simdjson::padded_string padded(input.constData(), size_t(input.size()));
    simdjson::ondemand::parser objectParser;
    try {
        simdjson::ondemand::document doc = objectParser.iterate(padded);
        simdjson::ondemand::value value = doc.get_value();
        checkKind(ObjectParser::parse(kind, value, options), kind);
    } catch (const simdjson::simdjson_error &) {
        // Malformed JSON: the documented outcome (parseList turns it into Error{Invalid}).
    }

    // The same bytes as an error answer's body (ClusterClient reads every non-2xx body this way).
    QByteArray statusBody = input;
    (void)parser.parseStatus(statusBody);
    return 0;
}
