#pragma once

// Small readers over simdjson's on-demand values (DESIGN §6: parse straight into the value types, no
// DOM). Each value is read exactly once, in document order; whatever a reader does not touch is
// skipped by simdjson without being materialised. Errors throw simdjson::simdjson_error, which the
// parsers turn into Error{Invalid}.

#include <simdjson.h>

#include <QDateTime>
#include <QString>

#include <limits>
#include <string_view>

namespace JsonRead {

using Value = simdjson::ondemand::value;
using Type = simdjson::ondemand::json_type;

inline QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// A string, or a number/bool as its JSON text; null and containers read as empty.
inline QString string(Value &value)
{
    const Type type = value.type();
    switch (type) {
    case Type::string:
        return toQString(std::string_view(value.get_string()));
    case Type::number:
    case Type::boolean:
        return toQString(value.raw_json_token());
    default:
        return {};
    }
}

// An integer, or a string holding one (some servers quote counts); anything else is `fallback`.
inline qint64 integer(Value &value, qint64 fallback = 0)
{
    const Type type = value.type();
    if (type == Type::number) {
        if (value.get_number_type() == simdjson::ondemand::number_type::floating_point_number) {
            // Casting a double beyond qint64 (1e300) is undefined behaviour: saturate instead.
            const double number = value.get_double();
            if (!(number < 9223372036854775808.0))
                return std::numeric_limits<qint64>::max();
            if (number < -9223372036854775808.0)
                return std::numeric_limits<qint64>::min();
            return qint64(number);
        }
        return qint64(value.get_int64());
    }
    if (type == Type::string) {
        bool ok = false;
        const qint64 parsed = toQString(std::string_view(value.get_string())).toLongLong(&ok);
        return ok ? parsed : fallback;
    }
    return fallback;
}

inline bool boolean(Value &value)
{
    const Type type = value.type();
    if (type == Type::boolean)
        return bool(value.get_bool());
    if (type == Type::string)
        return std::string_view(value.get_string()) == "true";
    return false;
}

// RFC 3339 timestamps as the API server writes them ("2026-11-24T05:35:31Z", micro-time with fraction).
inline QDateTime time(Value &value)
{
    const QString text = string(value);
    if (text.isEmpty())
        return {};
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

// Calls f(std::string_view key, Value &value) for each member; non-objects are skipped.
template<typename F>
void fields(Value &value, F &&f)
{
    if (Type(value.type()) != Type::object)
        return;
    for (simdjson::ondemand::field field : value.get_object()) {
        const std::string_view key = field.unescaped_key();
        f(key, field.value());
    }
}

// Calls f(Value &element) for each element; non-arrays are skipped.
template<typename F>
void elements(Value &value, F &&f)
{
    if (Type(value.type()) != Type::array)
        return;
    for (simdjson::ondemand::value element : value.get_array())
        f(element);
}

} // namespace JsonRead
