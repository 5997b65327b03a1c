#pragma once

// Parses the API server's response bodies (API-CONTRACTS §1): a list page (items straight into value
// types, one pass, no DOM kept), one watch event line, and a Status error body. One instance per
// informer: simdjson's parser keeps its buffers between pages, so a 10k-pod relist allocates once.

#include "error.h"
#include "objectparser.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

struct ListPage
{
    QString resourceVersion;
    QString continueToken; // empty: last page
    std::vector<ParsedObject> items;
};

struct WatchEvent
{
    enum class Type { Added, Modified, Deleted, Bookmark, Error };
    Type type = Type::Added;
    ParsedObject object;     // Added, Modified, Deleted
    QString resourceVersion; // of the object or the bookmark
    // Type::Error: the Status carried by the event (code 410 reason Expired = relist)
    int statusCode = 0;
    QString reason;
    QString message;
};

// A Kubernetes Status (kind "Status") as far as Opsdeck branches on it.
struct ApiStatus
{
    int code = 0;
    QString reason;
    QString message;
    std::optional<int> retryAfterSeconds; // details.retryAfterSeconds
};

class ResponseParser
{
public:
    ResponseParser() = default;

    // `body` gets SIMDJSON_PADDING spare capacity (it is reserved, not copied, when there is room).
    Opsdeck::Result<ListPage> parseList(Opsdeck::ResourceKind kind, QByteArray &body, const ParseOptions &options);
    Opsdeck::Result<WatchEvent> parseEvent(Opsdeck::ResourceKind kind, QByteArray &line, const ParseOptions &options);
    // nullopt when `body` is not a Status.
    std::optional<ApiStatus> parseStatus(QByteArray &body);

private:
    simdjson::ondemand::parser m_parser;
};
