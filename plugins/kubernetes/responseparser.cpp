#include "responseparser.h"

using namespace Opsdeck;
using JsonRead::Value;

namespace {

simdjson::padded_string_view padded(QByteArray &body)
{
    if (body.capacity() - body.size() < qsizetype(simdjson::SIMDJSON_PADDING))
        body.reserve(body.size() + qsizetype(simdjson::SIMDJSON_PADDING));
    return simdjson::padded_string_view(body.constData(), size_t(body.size()), size_t(body.capacity()));
}

QString excerpt(const QByteArray &body)
{
    return QString::fromUtf8(body.left(120)).simplified();
}

ApiStatus readStatus(Value &object)
{
    ApiStatus status;
    JsonRead::fields(object, [&](std::string_view key, Value &v) {
        if (key == "code") {
            status.code = int(JsonRead::integer(v));
        } else if (key == "reason") {
            status.reason = JsonRead::string(v);
        } else if (key == "message") {
            status.message = JsonRead::string(v);
        } else if (key == "details") {
            JsonRead::fields(v, [&](std::string_view field, Value &d) {
                if (field == "retryAfterSeconds")
                    status.retryAfterSeconds = int(JsonRead::integer(d));
            });
        }
    });
    return status;
}

} // namespace

Result<ListPage> ResponseParser::parseList(ResourceKind kind, QByteArray &body, const ParseOptions &options)
{
    try {
        ListPage page;
        simdjson::ondemand::document doc = m_parser.iterate(padded(body));
        QString listKind;
        for (simdjson::ondemand::field field : doc.get_object()) {
            const std::string_view key = field.unescaped_key();
            Value &value = field.value();
            if (key == "kind") {
                listKind = JsonRead::string(value);
            } else if (key == "metadata") {
                JsonRead::fields(value, [&](std::string_view name, Value &v) {
                    if (name == "resourceVersion")
                        page.resourceVersion = JsonRead::string(v);
                    else if (name == "continue")
                        page.continueToken = JsonRead::string(v);
                });
            } else if (key == "items") {
                JsonRead::elements(value, [&](Value &item) {
                    page.items.push_back(ObjectParser::parse(kind, item, options));
                });
            }
        }
        if (listKind == u"Status")
            return makeError(ErrorKind::Invalid,
                             QStringLiteral("expected a %1 list, got a Status").arg(toString(kind)));
        return page;
    } catch (const simdjson::simdjson_error &e) {
        return makeError(ErrorKind::Invalid, QStringLiteral("malformed %1 list (%2): %3")
                                                 .arg(toString(kind), QString::fromUtf8(e.what()), excerpt(body)));
    }
}

Result<WatchEvent> ResponseParser::parseEvent(ResourceKind kind, QByteArray &line, const ParseOptions &options)
{
    try {
        WatchEvent event;
        simdjson::ondemand::document doc = m_parser.iterate(padded(line));
        simdjson::ondemand::object root = doc.get_object();
        // "type" first, wherever it is: the object's meaning depends on it (ERROR carries a Status).
        const std::string_view type = root.find_field_unordered("type").get_string();
        if (type == "ADDED")
            event.type = WatchEvent::Type::Added;
        else if (type == "MODIFIED")
            event.type = WatchEvent::Type::Modified;
        else if (type == "DELETED")
            event.type = WatchEvent::Type::Deleted;
        else if (type == "BOOKMARK")
            event.type = WatchEvent::Type::Bookmark;
        else if (type == "ERROR")
            event.type = WatchEvent::Type::Error;
        else
            return makeError(ErrorKind::Invalid, QStringLiteral("unknown watch event type '%1'")
                                                     .arg(JsonRead::toQString(type)));
        Value object = root.find_field_unordered("object");
        switch (event.type) {
        case WatchEvent::Type::Error: {
            const ApiStatus status = readStatus(object);
            event.statusCode = status.code;
            event.reason = status.reason;
            event.message = status.message;
            break;
        }
        case WatchEvent::Type::Bookmark:
            // Only kind, apiVersion and metadata.resourceVersion are meaningful.
            JsonRead::fields(object, [&](std::string_view key, Value &v) {
                if (key != "metadata")
                    return;
                JsonRead::fields(v, [&](std::string_view name, Value &m) {
                    if (name == "resourceVersion")
                        event.resourceVersion = JsonRead::string(m);
                });
            });
            break;
        default:
            event.object = ObjectParser::parse(kind, object, options);
            event.resourceVersion = event.object.resourceVersion;
            break;
        }
        return event;
    } catch (const simdjson::simdjson_error &e) {
        return makeError(ErrorKind::Invalid, QStringLiteral("malformed %1 watch event (%2): %3")
                                                 .arg(toString(kind), QString::fromUtf8(e.what()), excerpt(line)));
    }
}

std::optional<ApiStatus> ResponseParser::parseStatus(QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return std::nullopt;
    try {
        simdjson::ondemand::document doc = m_parser.iterate(padded(body));
        simdjson::ondemand::object root = doc.get_object();
        const std::string_view kind = root.find_field_unordered("kind").get_string();
        if (kind != "Status")
            return std::nullopt;
        doc.rewind();
        Value value = doc.get_value();
        return readStatus(value);
    } catch (const simdjson::simdjson_error &) {
        return std::nullopt;
    }
}
